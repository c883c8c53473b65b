#!/usr/bin/env bash
# Measures the node's start-to-ready time and its idle resident memory.
#   bench/measure-start.sh [runs]     (default 5; needs a built runtime: mvn -B install -DskipTests)
# Start to ready: the node logs "Node ready ... (N ms after JVM start)" when the fold.ready condition
# is registered. Idle RSS: VmRSS of the node's JVM 10 s after ready, with no load.
set -euo pipefail
runs="${1:-5}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/runtime/target/datafold"
[ -x "$src/bin/datafold" ] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$src" "$work/node"
rm -rf "$work/node/data" "$work/node/logs" "$work/node/run"
node="$work/node/bin/datafold"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -n 1)"
for i in $(seq 1 "$runs"); do
  "$node" start > /dev/null
  pid="$(cat "$work/node/run/datafold.pid")"
  ready_ms="$(grep -o 'Node ready.*(\([0-9]*\) ms after JVM start)' "$work/node/logs/datafold.log" | tail -n 1 | grep -o '[0-9]* ms' | cut -d' ' -f1)"
  sleep 10
  rss_kib="$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")"
  echo "run $i: start to ready ${ready_ms} ms, idle RSS $((rss_kib / 1024)) MiB"
  "$node" stop > /dev/null
  rm -f "$work/node/logs/datafold.log"
done
