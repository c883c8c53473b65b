#!/usr/bin/env bash
# Runs every benchmark with 1 and 4 threads for the given atom counts (default: 1000 and 1000000):
# latency percentiles (SampleTime, microseconds per operation) and throughput (operations per
# second). Writes JMH's JSON results and text output to target/results/.
# Usage: ./run-benchmarks.sh [atoms...]        JMH_OPTS overrides the iteration settings.
set -euo pipefail
cd "$(dirname "$0")"
JMH_OPTS=${JMH_OPTS:-"-wi 3 -w 3s -i 3 -r 3s -f 1"}
if [ $# -eq 0 ]; then
  set -- 1000 1000000
fi
mkdir -p target/results
for atoms in "$@"; do
  for threads in 1 4; do
    for mode in "sample us" "thrpt s"; do
      read -r bm tu <<< "$mode"
      name="atoms-${atoms}-t${threads}-${bm}"
      # shellcheck disable=SC2086
      java -jar target/benchmarks.jar -p atoms="$atoms" -t "$threads" -bm "$bm" -tu "$tu" $JMH_OPTS \
        -rf json -rff "target/results/${name}.json" | tee "target/results/${name}.txt"
    done
  done
done
