#!/usr/bin/env bash
# The mesh with real node processes on this machine (loopback only).
#   bench/mesh.sh [nodes] [rounds] [queries]    (defaults 3 5 50; nodes 2 to 8; needs a built runtime)
# Starts the nodes one after the other (each joins the mesh of the ones before), makes them trust
# each other at distance 1, then reports:
#   * each node's resident memory (VmRSS) once the mesh has formed;
#   * crash detection: kill -9 of the last node until the first node logs that it left the view
#     (median of <rounds>; the node is restarted between rounds);
#   * partition merge: the last node is frozen (SIGSTOP) until the others drop it, then thawed
#     (SIGCONT); time until the first node logs the merge (median of <rounds>);
#   * forwarded query: <queries> single-field queries from the first node to the second through
#     mesh:query; the median round trip as the first node measured it (mesh:status);
#   * messages per second between two mesh nodes in one JVM (MeshThroughput, from bench/'s jar).
# Times come from the nodes' own log timestamps (millisecond resolution) against the script's clock.
# The shipped time-outs are used (etc/org.datafold.mesh.cfg): fd_timeout_ms 6000,
# verify_suspect_ms 1000, merge_interval_ms 3000.
set -euo pipefail
n="${1:-3}"; rounds="${2:-5}"; queries="${3:-50}"
[ "$n" -ge 2 ] && [ "$n" -le 8 ] || { echo "nodes: 2 to 8" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/runtime/target/datafold"
[ -x "$src/bin/datafold" ] || { echo "build the runtime first" >&2; exit 1; }
work="$(mktemp -d)"
base=$((20000 + RANDOM % 20000))
cleanup() {
  for i in $(seq 0 $((n - 1))); do
    pid="$(cat "$work/n$i/run/datafold.pid" 2>/dev/null || true)"
    [ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null || true
    "$work/n$i/bin/datafold" stop > /dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

hosts=""
for i in $(seq 0 $((n - 1))); do hosts="${hosts:+$hosts,}127.0.0.1[$((base + i))]"; done
node() { "$work/n$1/bin/datafold" "${@:2}"; }
sh1() { node "$1" shell "$2"; }
log() { echo "$work/n$1/logs/datafold.log"; }
pid_of() { cat "$work/n$1/run/datafold.pid"; }
now_ms() { date +%s%3N; }
# epoch ms of a log line: "2026-12-03T19:07:37,006 | ..."
line_ms() { local t="${1%% |*}"; date -d "${t/,/.}" +%s%3N; }
count() { grep -c "$2" "$(log "$1")" 2>/dev/null || true; }
members() { sh1 "$1" mesh:status | sed -n 's/.*(\([0-9]*\) members).*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
wait_until() { # seconds, command...
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@"; do [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out: $*" >&2; return 1; }; sleep 0.1; done
}
all_members() { [ "$(members 0)" = "$n" ]; }

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -n 1); $n nodes, ports $base..$((base + n - 1))"
for i in $(seq 0 $((n - 1))); do
  cp -r "$src" "$work/n$i"
  rm -rf "$work/n$i/data" "$work/n$i/logs" "$work/n$i/run"
  sed -i "s/^enabled = .*/enabled = true/; s/^bind_port = .*/bind_port = $((base + i))/; s/^initial_hosts = .*/initial_hosts = $hosts/" \
    "$work/n$i/etc/org.datafold.mesh.cfg"
  node "$i" start > /dev/null
done
for i in $(seq 0 $((n - 1))); do
  cmds=""
  for j in $(seq 0 $((n - 1))); do
    [ "$i" = "$j" ] || cmds="${cmds:+$cmds; }perm:trust $(cut -d: -f2 "$work/n$j/data/owner.pub") 1 n$j"
  done
  sh1 "$i" "$cmds" > /dev/null
done
wait_until 120 all_members
sleep 3
for i in $(seq 0 $((n - 1))); do
  echo "node $i: RSS $(( $(awk '/VmRSS/ {print $2}' "/proc/$(pid_of "$i")/status") / 1024 )) MiB"
done

# forwarded queries: node 1 holds Contact, node 0 asks
sh1 1 "schema:approve Contact" > /dev/null
node 1 shell fold:mutate Contact create '{"name": "Ada", "email": "ada@example.org"}' > /dev/null
cmds=""
for q in $(seq 1 "$queries"); do cmds="${cmds:+$cmds; }mesh:query n1 Contact name"; done
sh1 0 "$cmds" > /dev/null
echo "forwarded single-field query, $(sh1 0 mesh:status | sed -n 's/^Forwarded: *//p')"

last=$((n - 1))
crash=()
for r in $(seq 1 "$rounds"); do
  before="$(count 0 'left the view')"
  t0="$(now_ms)"
  kill -9 "$(pid_of "$last")"
  wait_until 60 bash -c "[ \$(grep -c 'left the view' '$(log 0)') -gt $before ]"
  line="$(grep 'left the view' "$(log 0)" | tail -n 1)"
  crash+=($(( $(line_ms "$line") - t0 )))
  node "$last" start > /dev/null 2>&1 || { rm -f "$work/n$last/run/datafold.pid"; node "$last" start > /dev/null; }
  wait_until 120 all_members
done
echo "crash detected (kill -9 to view change): ${crash[*]} ms, median $(printf '%s\n' "${crash[@]}" | median) ms"

merge=()
for r in $(seq 1 "$rounds"); do
  before_left="$(count 0 'left the view')"
  before_merge="$(count 0 'partitions merged')"
  victim="$(pid_of "$last")"
  kill -STOP "$victim"
  wait_until 60 bash -c "[ \$(grep -c 'left the view' '$(log 0)') -gt $before_left ]"
  t0="$(now_ms)"
  kill -CONT "$victim"
  wait_until 60 bash -c "[ \$(grep -c 'partitions merged' '$(log 0)') -gt $before_merge ]"
  first="$(grep 'partitions merged' "$(log 0)" | tail -n 1)"
  merge+=($(( $(line_ms "$first") - t0 )))
  wait_until 60 all_members
done
echo "partition merged (SIGCONT to merge view): ${merge[*]} ms, median $(printf '%s\n' "${merge[@]}" | median) ms"
jar="$root/bench/target/benchmarks.jar"
if [ -f "$jar" ]; then
  echo "messages between two nodes (one JVM, MeshThroughput): $(java -cp "$jar" org.datafold.mesh.internal.MeshThroughput 20000 100 2>/dev/null | tail -n 1)"
else
  echo "messages per second: build bench/ first (mvn -B -pl bench -am package -DskipTests) for MeshThroughput"
fi
