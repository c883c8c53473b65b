#!/usr/bin/env bash
# The node's resident memory under hostile frames, with its default settings (etc/jvm.options and
# the app socket's limits), while a canary client keeps asking.
#   bench/memory-under-load.sh     (needs a built runtime and bench jar: mvn -B install -DskipTests)
# Environment: CONNECTIONS (default 64), FRAMES (authenticated frames per connection, default 100),
#              UNAUTH_FRAMES (unauthenticated frames in all, default 1000), SIZE (bytes per frame,
#              default 10485000, just under the 10 MB limit), SETTLE (seconds to wait before the
#              last reading, default 60).
# Starts a copy of the runtime in a scratch folder, trusts a key, runs FrameFlood authenticated
# then unauthenticated, and prints RSS before, at peak and SETTLE seconds after each. Stops the node
# and removes the scratch folder.
set -euo pipefail
CONNECTIONS="${CONNECTIONS:-64}"
FRAMES="${FRAMES:-100}"
UNAUTH_FRAMES="${UNAUTH_FRAMES:-1000}"
SIZE="${SIZE:-10485000}"
SETTLE="${SETTLE:-60}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/runtime/target/datafold"
jar="$root/bench/target/benchmarks.jar"
[ -x "$src/bin/datafold" ] && [ -f "$jar" ] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }

work="$(mktemp -d)"
node="$work/node"
cleanup() {
  [ -x "$node/bin/datafold" ] && "$node/bin/datafold" stop > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cp -r "$src" "$node"
rm -rf "$node/data" "$node/logs" "$node/run"
"$node/bin/datafold" start > /dev/null
pid="$(cat "$node/run/datafold.pid")"
pubkey="$("$node/bin/datafold-client" keygen "$work/bench.key" | tail -n 1)"
"$node/bin/datafold" shell perm:trust "$pubkey" 0 bench > /dev/null

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -n 1)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "node: $(grep -v '^#' "$node/etc/jvm.options" | grep -v '^$' | tr '\n' ' ')"
echo
echo "== $CONNECTIONS connections, $FRAMES authenticated frames of $SIZE bytes each"
java -Xmx2g -cp "$jar" org.datafold.bench.FrameFlood --socket "$node/run/datafold.sock" --key "$work/bench.key" \
  --pid "$pid" --mode auth --connections "$CONNECTIONS" --frames "$FRAMES" --size "$SIZE" --settle "$SETTLE"
echo
echo "== $UNAUTH_FRAMES unauthenticated frames of $SIZE bytes, $CONNECTIONS connections at a time"
java -Xmx2g -cp "$jar" org.datafold.bench.FrameFlood --socket "$node/run/datafold.sock" --key "$work/bench.key" \
  --pid "$pid" --mode unauth --connections "$CONNECTIONS" --frames "$UNAUTH_FRAMES" --size "$SIZE" --settle "$SETTLE"
echo
"$node/bin/datafold" shell sock:stats | sed -n '1,8p'
