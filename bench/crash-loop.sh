#!/usr/bin/env bash
# Crash loop: kills the node with SIGKILL in the middle of a durable write load, again and again,
# and checks after every kill that JE's verifiers find the store clean and that every write the
# node acknowledged is in the history.
#   bench/crash-loop.sh         (needs a built runtime and bench jar, e.g.
#                                mvn -o -q -pl runtime,bench -am package -DskipTests)
# Environment: KILLS (rounds, default 20), CONNECTIONS (writers over the app socket, default 8),
#              MIN_ACKS / MAX_ACKS (writes acknowledged in a round before the kill: random between,
#              default 200 and 2000), MAX_SECONDS (bound of the whole run, default 1800).
# Starts a copy of the runtime in a scratch folder (on the disk of /tmp: not tmpfs, or fsyncs cost
# nothing), trusts a new key (distance 0) and approves Reading. Each round: AckedWrites writes
# random rows of Reading over the app socket (a Unix socket) and records every acknowledged write;
# once enough are acknowledged, kill -9; with the node down, JE's DbVerify (B-trees and records) and
# DbVerifyLog (checksums of every log file) run on data/store; the node is started again (JE's
# recovery; storage:stats must say the previous shutdown was not clean) and AckedWrites checks every
# write acknowledged so far, in all rounds, against the history. Stops at the first failure
# (exit 1). At the end: a clean stop, the verifiers once more, and a summary.
set -euo pipefail
KILLS="${KILLS:-20}"
CONNECTIONS="${CONNECTIONS:-8}"
MIN_ACKS="${MIN_ACKS:-200}"
MAX_ACKS="${MAX_ACKS:-2000}"
MAX_SECONDS="${MAX_SECONDS:-1800}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/runtime/target/datafold"
jar="$root/bench/target/benchmarks.jar"
[ -x "$src/bin/datafold" ] && [ -f "$jar" ] \
  || { echo "build first: mvn -o -q -pl runtime,bench -am package -DskipTests" >&2; exit 1; }

work="$(mktemp -d)"
node="$work/node"
acked="$work/acked.txt"
load_pid=""
cleanup() {
  [ -n "$load_pid" ] && kill "$load_pid" 2> /dev/null || true
  [ -x "$node/bin/datafold" ] && "$node/bin/datafold" stop > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

started=$SECONDS
deadline=$((SECONDS + MAX_SECONDS))
fail() {
  echo "FAILED: $*" >&2
  if [ -f "$node/logs/datafold.log" ]; then
    echo "--- last lines of the node's log:" >&2
    tail -n 30 "$node/logs/datafold.log" >&2
  fi
  exit 1
}
in_time() { [ "$SECONDS" -lt "$deadline" ] || fail "the run took longer than MAX_SECONDS=$MAX_SECONDS"; }
lines() { if [ -f "$acked" ]; then wc -l < "$acked"; else echo 0; fi; }
node_pid() { cat "$node/run/datafold.pid"; }
je_jar="$node/system/je.jar"

# JE's verifiers on the stopped node's store: DbVerify reads every B-tree and record (-vdr) on a
# read-only handle, DbVerifyLog checks the checksum of every log entry in every file.
verify_store() {
  local out
  out="$(java -cp "$je_jar" com.sleepycat.je.util.DbVerify -h "$node/data/store" -vdr -q 2>&1)" \
    || fail "DbVerify: $out"
  out="$(java -cp "$je_jar" com.sleepycat.je.util.DbVerifyLog -h "$node/data/store" 2>&1)" \
    || fail "DbVerifyLog: $out"
}

# Every write acknowledged so far must be in the history; prints how many were checked.
check_history() {
  java -cp "$jar" org.datafold.bench.AckedWrites check --socket "$node/run/datafold.sock" --key "$work/crash.key" \
    --log "$acked" > "$work/check.txt" 2>&1 \
    || fail "acknowledged writes are missing after round $1: $(head -n 20 "$work/check.txt")"
  awk '/^checked/ {print $2}' "$work/check.txt"
}

cp -r "$src" "$node"
rm -rf "$node/data" "$node/logs" "$node/run"
"$node/bin/datafold" start > /dev/null
pubkey="$("$node/bin/datafold-client" keygen "$work/crash.key" | tail -n 1)"
"$node/bin/datafold" shell perm:trust "$pubkey" 0 crash > /dev/null
"$node/bin/datafold" shell schema:approve Reading > /dev/null

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -n 1); node in $node (durability SYNC)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $KILLS kills, $CONNECTIONS writers, $MIN_ACKS-$MAX_ACKS acknowledged writes per round"
printf '%5s %9s %10s %12s %12s %12s\n' round "acked" "acked sum" "verify" "restart" "history"
restart_total_ms=0
for round in $(seq 1 "$KILLS"); do
  in_time
  target=$(( $(lines) + MIN_ACKS + RANDOM % (MAX_ACKS - MIN_ACKS + 1) ))
  before=$(lines)
  java -cp "$jar" org.datafold.bench.AckedWrites write --socket "$node/run/datafold.sock" --key "$work/crash.key" \
    --log "$acked" --tag "r$round" --connections "$CONNECTIONS" --max-seconds 300 > "$work/write-$round.txt" 2>&1 &
  load_pid=$!
  # Kill once the round has its acknowledged writes, the writers still writing.
  while [ "$(lines)" -lt "$target" ]; do
    kill -0 "$load_pid" 2> /dev/null || fail "the writers stopped before the kill: $(cat "$work/write-$round.txt")"
    in_time
    sleep 0.02
  done
  pid="$(node_pid)"
  kill -9 "$pid"
  while kill -0 "$pid" 2> /dev/null; do in_time; sleep 0.02; done
  wait "$load_pid" || fail "the writers failed: $(cat "$work/write-$round.txt")"
  load_pid=""
  round_acks=$(( $(lines) - before ))

  verify_store
  t0=$(date +%s%N)
  "$node/bin/datafold" start > /dev/null || fail "the node did not start again after round $round"
  restart_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  restart_total_ms=$((restart_total_ms + restart_ms))
  stats="$("$node/bin/datafold" shell storage:stats)"
  [[ "$stats" == *"previous shutdown NOT clean"* ]] \
    || fail "the node did not report recovering from the kill of round $round: $stats"
  checked="$(check_history "$round")"
  printf '%5d %9d %10d %12s %9d ms %12s\n' "$round" "$round_acks" "$checked" "clean" "$restart_ms" "all present"
done

status="$("$node/bin/datafold" shell fold:status)"
grep -E '^(Disk|Limits) ' <<< "$status"
"$node/bin/datafold" stop > /dev/null
verify_store
elapsed=$((SECONDS - started))
echo
echo "kills: $KILLS; acknowledged writes: $(lines), every one in the history after every restart;"
echo "DbVerify + DbVerifyLog: clean after each of the $KILLS kills and after the final clean stop;"
echo "restart to ready after a kill: $((restart_total_ms / KILLS)) ms on average; wall time: ${elapsed} s"
