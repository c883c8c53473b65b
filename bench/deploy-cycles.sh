#!/usr/bin/env bash
# Deploys and removes the example app bundle (examples/sample-app, the journal app) through deploy/
# again and again while app-socket clients write and query, and prints the node's figures.
#   bench/deploy-cycles.sh [cycles]   (default 100; needs the built runtime and example app:
#                                     mvn -B install -DskipTests, or mvn -DskipTests package)
# Environment: CLIENTS (app-socket connections, default 4), TIMEOUT (seconds a wait may take, default 120),
#              EVERY (print the figures every N cycles; default half the cycles: 0, 50, 100).
#
# Starts a copy of the runtime in a scratch folder, trusts a client key (distance 0), approves Note,
# deploys the app once (approves Journal, trusts the app's key at distance 1) and removes it, then
# starts the clients (bench/.../CycleClients.java, run from source with the runtime's lib/: each a
# DataFoldClient in a closed loop of a durable update of Note.body and a query of it). A cycle copies
# the jar into deploy/ (under a temporary name, then renamed), waits until journal:write answers
# through the shell, deletes the jar and waits until fold:apps no longer lists the app: every wait is
# on the node's answer, bounded by TIMEOUT seconds (default 120). Figures, read from the node after a
# full GC (jcmd GC.run, GC.heap_info, GC.class_histogram, Thread.print, PerfCounter.print;
# /proc/<pid>/status, /proc/<pid>/fd; storage:stats):
#   heap       heap in use after the GC, MiB;  je-cache: the JE cache's share of it (storage:stats);
#   rest       heap less the JE cache (the cache grows with the data written until its 64 MiB);
#   classes    classes loaded less classes unloaded;
#   loaders    bundle class loaders alive (org.apache.felix.framework.BundleWiringImpl$BundleClassLoader);
#   bundles    Bundle objects alive (org.apache.felix.framework.BundleImpl);
#   threads    threads of the process; pools: of them, the threads of pools that grow with the load up
#              to a bound and shrink when idle: JE's evictor (10), EventAdmin's asynchronous delivery
#              (10), the admin shell's workers (4);
#   fds        open file descriptors; jdb: of them, JE log files (one per 10 MB of log, as data grows).
# Exits 1 if a client request failed. Stops the node and removes the scratch folder.
set -euo pipefail
CYCLES="${1:-100}"
CLIENTS="${CLIENTS:-4}"
EVERY="${EVERY:-$(( CYCLES / 2 > 0 ? CYCLES / 2 : 1 ))}"
TIMEOUT="${TIMEOUT:-120}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/runtime/target/datafold"
app="$root/examples/sample-app/target/sample-app.jar"
load="$root/bench/src/main/java/org/datafold/bench/CycleClients.java"
[ -x "$src/bin/datafold" ] && [ -f "$app" ] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }
command -v jcmd > /dev/null || { echo "needs jcmd (a JDK) on the PATH" >&2; exit 1; }

work="$(mktemp -d)"
node="$work/node"
cleanup() {
  if [ -n "${clients_pid:-}" ]; then kill "$clients_pid" 2> /dev/null || true; fi
  [ -x "$node/bin/datafold" ] && "$node/bin/datafold" stop > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cp -r "$src" "$node"
rm -rf "$node/data" "$node/logs" "$node/run" "$node/deploy/"*.jar
"$node/bin/datafold" start > /dev/null
pid="$(cat "$node/run/datafold.pid")"
shell() { "$node/bin/datafold" shell "$@"; }

# Runs the command until it succeeds, at most TIMEOUT seconds; each try is a round trip through the shell.
await() { # what, command...
  local what="$1" deadline=$(( SECONDS + TIMEOUT )); shift
  until "$@" > /dev/null 2>&1; do
    (( SECONDS < deadline )) || { echo "no $what within $TIMEOUT s" >&2; exit 1; }
  done
}
active() { shell fold:app journal | grep -Eq '^State +ACTIVE'; }
removed() { local apps; apps="$(shell fold:apps)" && ! grep -q '^journal ' <<< "$apps"; }
writes() { shell journal:write "$1" "$2" | grep -q '^written '; }
deploy() {
  cp "$app" "$node/deploy/sample-app.jar.tmp"
  mv "$node/deploy/sample-app.jar.tmp" "$node/deploy/sample-app.jar"
}
undeploy() {
  rm "$node/deploy/sample-app.jar"
  await "removal of the app" removed
}

printf 'GC.run\nGC.heap_info\nGC.class_histogram\nThread.print\n' > "$work/jcmd.txt"
figures() { # cycle
  local out heap classes loaders bundles cache threads pools fds jdb
  out="$(jcmd "$pid" -f "$work/jcmd.txt")"
  heap="$(grep -o 'heap *total [0-9]*K, used [0-9]*K' <<< "$out" | head -n 1 | grep -o '[0-9]*K$' | tr -d K)"
  loaders="$(awk '$4 == "org.apache.felix.framework.BundleWiringImpl$BundleClassLoader" { print $2 }' <<< "$out")"
  bundles="$(awk '$4 == "org.apache.felix.framework.BundleImpl" { print $2 }' <<< "$out")"
  classes="$(jcmd "$pid" PerfCounter.print | awk -F= '
    /^java\.cls\.(shared)?[lL]oadedClasses=/ { n += $2 } /^java\.cls\.(shared)?[uU]nloadedClasses=/ { n -= $2 }
    END { print n }')"
  cache="$(shell storage:stats | awk '$1 == "Cache" { print $2 / ($3 == "KiB" ? 1024 : $3 == "B" ? 1048576 : 1) }')"
  threads="$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")"
  pools="$(grep -cE '^"(JEEvictor|EventAdminAsyncThread #[0-9]+|datafold-admin-[0-9]+)"' <<< "$out" || true)"
  fds="$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)"
  jdb="$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 -lname '*.jdb' | wc -l)"
  awk -v c="$1" -v h="$heap" -v j="$cache" -v k="$classes" -v l="$loaders" -v b="$bundles" -v t="$threads" \
      -v p="$pools" -v f="$fds" -v d="$jdb" -v s="$SECONDS" 'BEGIN {
    printf "%6d %8.1f %9.1f %7.1f %8d %8d %8d %8d %6d %6d %5d %7d\n", c, h / 1024, j, h / 1024 - j, k, l, b, t, p, f, d, s }'
}

# The client key, Note, and one deployment to approve Journal and trust the app.
pubkey="$("$node/bin/datafold-client" keygen "$work/load.key" | tail -n 1)"
shell perm:trust "$pubkey" 0 load > /dev/null
shell schema:approve Note > /dev/null
shell fold:mutate Note create '{"title": "deploy cycles", "body": "start"}' > /dev/null
deploy
await "journal app" active
shell schema:approve Journal > /dev/null
shell perm:trust "$(shell fold:app journal | awk '/^Key +ed25519:/ { print $2 }')" 1 journal > /dev/null
await "journal:write" writes setup "before the cycles"
undeploy

mkfifo "$work/clients.in" "$work/clients.out"
java -cp "$node/lib/*" "$load" --socket "$node/run/datafold.sock" --key "$work/load.key" --clients "$CLIENTS" \
  < "$work/clients.in" > "$work/clients.out" 2>&1 &
clients_pid=$!
exec {clients_in}> "$work/clients.in" {clients_out}< "$work/clients.out"
read -r started <&"$clients_out"
jcmd "$pid" VM.version > /dev/null   # the attach listener (a thread, a socket) exists from here on

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -n 1)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "node: $node (pid $pid), $started, $CYCLES cycles"
echo
printf '%6s %8s %9s %7s %8s %8s %8s %8s %6s %6s %5s %7s\n' cycle "heap MiB" "je-cache" rest classes loaders \
  bundles threads pools fds jdb "time s"
figures 0
for c in $(seq 1 "$CYCLES"); do
  deploy
  await "journal:write in cycle $c" writes "cycle-$c" "deployed $c times"
  undeploy
  if (( c % EVERY == 0 || c == CYCLES )); then figures "$c"; fi
done

exec {clients_in}>&-   # end of input: the clients stop and print their counts
result="$(cat <&"$clients_out")"
status=0
wait "$clients_pid" || status=$?
clients_pid=""
echo
echo "clients: $result"
exit "$status"
