#!/usr/bin/env bash
# The node over its app socket, side by side with Redis over a Unix socket, in one run.
#   bench/socket-vs-redis.sh        (needs a built runtime and bench jar: mvn -B install -DskipTests,
#                                    and Debian's redis-server + redis-tools packages)
# Environment: WARMUP (s, default 5), DURATION (s, default 10), CONNECTIONS (default "1 8 64"),
#              REDIS_N (requests per redis-benchmark test, default 300000),
#              REDIS_DURABLE_N (requests of the appendfsync-always SET test, default 20000),
#              CLIENT (raw: a blocking socket per connection like redis-benchmark, default;
#                      library: the DataFoldClient library),
#              RUNTIME (the runtime folder to copy and start, default runtime/target/datafold: point it
#                       at another build to compare two versions with the same load generator).
# Starts a copy of the runtime in a scratch folder (on the same disk as /tmp: not tmpfs, or fsyncs
# cost nothing), creates and trusts a key (distance 0), approves the Note schema, runs SocketLoad
# (10 s initial warm-up, then query, durable update of one field, durable writes of random rows of
# Reading and the 90/10 mix, each with its own warm-up) for
# each connection count, then redis-benchmark GET/SET against
# a memory-only redis-server and SET against one with appendonly yes + appendfsync always. Stops
# everything it started and removes the scratch folder.
set -euo pipefail
WARMUP="${WARMUP:-5}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-1 8 64}"
REDIS_N="${REDIS_N:-300000}"
REDIS_DURABLE_N="${REDIS_DURABLE_N:-20000}"
CLIENT="${CLIENT:-raw}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="${RUNTIME:-$root/runtime/target/datafold}"
jar="$root/bench/target/benchmarks.jar"
[ -x "$src/bin/datafold" ] && [ -f "$jar" ] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }
command -v redis-server > /dev/null && command -v redis-benchmark > /dev/null \
  || { echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 1; }

work="$(mktemp -d)"
node="$work/node"
redis_pids=()
cleanup() {
  for p in "${redis_pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2> /dev/null && wait "$p" 2> /dev/null || true; done
  [ -x "$node/bin/datafold" ] && "$node/bin/datafold" stop > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cp -r "$src" "$node"
rm -rf "$node/data" "$node/logs" "$node/run"
"$node/bin/datafold" start > /dev/null
pubkey="$("$node/bin/datafold-client" keygen "$work/bench.key" | tail -n 1)"
"$node/bin/datafold" shell perm:trust "$pubkey" 0 bench > /dev/null
"$node/bin/datafold" shell schema:approve Note > /dev/null
"$node/bin/datafold" shell schema:approve Reading > /dev/null

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -n 1), $(redis-server --version | cut -d' ' -f1-3)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "== DataFold node, app socket ($node/run/datafold.sock), one authenticated $CLIENT client per connection"
conns_csv="$(echo $CONNECTIONS | tr ' ' ',')"
java -cp "$jar" org.datafold.bench.SocketLoad --socket "$node/run/datafold.sock" --key "$work/bench.key" \
  --connections "$conns_csv" --warmup "$WARMUP" --duration "$DURATION" --client "$CLIENT" \
  --node-pid "$(cat "$node/run/datafold.pid")" \
  --workloads query,update,rows,mix | tee "$work/datafold.txt"
"$node/bin/datafold" stop > /dev/null

# redis-server on a Unix socket only (port 0), in the scratch folder
start_redis() { # name, extra args...
  local name="$1"; shift
  mkdir -p "$work/$name"
  redis-server --port 0 --unixsocket "$work/$name/redis.sock" --unixsocketperm 700 --dir "$work/$name" \
    --save '' --daemonize no --logfile "$work/$name/redis.log" "$@" &
  redis_pids+=("$!")
  for _ in $(seq 1 50); do [ -S "$work/$name/redis.sock" ] && return 0; sleep 0.1; done
  echo "redis-server ($name) did not start" >&2; exit 1
}
# CPU time (user + system, ms) of a process so far, from /proc/<pid>/stat (clock ticks of 10 ms)
cpu_ms() { awk '{ sub(/^.*\) /, ""); print ($12 + $13) * 10 }' "/proc/$1/stat"; }
# csv line "GET","rps","avg","min","p50","p95","p99","max" -> "rps p50_us p99_us cpu_ms_per_1k"
bench_redis() { # socket, test, clients, n, redis-server pid
  local c0 c1
  c0="$(cpu_ms "$5")"
  redis-benchmark -s "$1" -t "$2" -c "$3" -n "$4" -d 32 --csv | awk -F'"' 'NR > 1 && $2 != "" {
    printf "%.0f %.1f %.1f", $4, $10 * 1000, $14 * 1000 }'
  c1="$(cpu_ms "$5")"
  awk -v d="$((c1 - c0))" -v n="$4" 'BEGIN { printf " %.1f\n", d / (n / 1000) }'
}
start_redis mem --appendonly no
start_redis aof --appendonly yes --appendfsync always
mem="$work/mem/redis.sock"
aof="$work/aof/redis.sock"
mem_pid="${redis_pids[0]}"
aof_pid="${redis_pids[1]}"
echo
echo "== Redis over a Unix socket: redis-benchmark -s <sock> -t get|set -c <n> -n <N> -d 32 --csv"
printf '%-28s %5s %10s %10s %10s %12s\n' test conns "req/s" "p50 µs" "p99 µs" "cpu ms/1k"
declare -A redis
for c in $CONNECTIONS; do
  redis-benchmark -s "$mem" -t set -c "$c" -n 20000 -d 32 -q > /dev/null   # warm-up, fills the key
  redis[get,$c]="$(bench_redis "$mem" get "$c" "$REDIS_N" "$mem_pid")"
  redis[set,$c]="$(bench_redis "$mem" set "$c" "$REDIS_N" "$mem_pid")"
  redis[aof,$c]="$(bench_redis "$aof" set "$c" "$REDIS_DURABLE_N" "$aof_pid")"
  for t in get set aof; do
    label="GET"; [ "$t" = set ] && label="SET (no persistence)"; [ "$t" = aof ] && label="SET (appendfsync always)"
    read -r rps p50 p99 cpu <<< "${redis[$t,$c]}"
    printf '%-28s %5s %10s %10s %10s %12s\n' "$label" "$c" "$rps" "$p50" "$p99" "$cpu"
  done
done

echo
echo "== Side by side (req/s, p50 µs, p99 µs; CPU ms of the server process per 1,000 requests below)"
printf '%5s | %-30s | %-30s | %-30s | %-30s | %-30s | %-30s\n' conns "DataFold query (1 field)" "Redis GET" \
  "DataFold durable update" "DataFold durable, random rows" "Redis SET appendfsync always" "DataFold 90/10 mix"
for c in $CONNECTIONS; do
  df() { awk -v w="$1" -v c="$c" '$1 == w && $2 == c { printf "%s / %s / %s", $4, $5, $6 }' "$work/datafold.txt"; }
  rd() { read -r rps p50 p99 _ <<< "${redis[$1,$c]}"; printf '%s / %s / %s' "$rps" "$p50" "$p99"; }
  printf '%5s | %-30s | %-30s | %-30s | %-30s | %-30s | %-30s\n' "$c" "$(df query)" "$(rd get)" "$(df update)" \
    "$(df rows)" "$(rd aof)" "$(df mix)"
done
echo
printf '%5s | %12s | %12s | %12s | %12s | %12s | %12s\n' conns "query cpu" "GET cpu" "update cpu" "rows cpu" "SET aof cpu" "mix cpu"
for c in $CONNECTIONS; do
  dfc() { awk -v w="$1" -v c="$c" '$1 == w && $2 == c { print $8 }' "$work/datafold.txt"; }
  rdc() { read -r _ _ _ cpu <<< "${redis[$1,$c]}"; echo "$cpu"; }
  printf '%5s | %12s | %12s | %12s | %12s | %12s | %12s\n' "$c" "$(dfc query)" "$(rdc get)" "$(dfc update)" \
    "$(dfc rows)" "$(rdc aof)" "$(dfc mix)"
done

echo
echo "== Ratios to Redis in this run (throughput: node / Redis; latency: node / Redis)"
printf '%5s | %14s | %14s | %14s | %16s | %16s\n' conns "query / GET" "query p50" "query p99" "rows / SET aof" "update / SET aof"
for c in $CONNECTIONS; do
  read -r q_rps q_p50 q_p99 <<< "$(awk -v c="$c" '$1 == "query" && $2 == c { print $4, $5, $6 }' "$work/datafold.txt")"
  r_rps="$(awk -v c="$c" '$1 == "rows" && $2 == c { print $4 }' "$work/datafold.txt")"
  u_rps="$(awk -v c="$c" '$1 == "update" && $2 == c { print $4 }' "$work/datafold.txt")"
  read -r g_rps g_p50 g_p99 _ <<< "${redis[get,$c]}"
  read -r a_rps _ _ _ <<< "${redis[aof,$c]}"
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }
  printf '%5s | %14s | %14s | %14s | %16s | %16s\n' "$c" "$(ratio "$q_rps" "$g_rps")" "$(ratio "$q_p50" "$g_p50")" \
    "$(ratio "$q_p99" "$g_p99")" "$(ratio "$r_rps" "$a_rps")" "$(ratio "$u_rps" "$a_rps")"
done
