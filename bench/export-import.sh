#!/usr/bin/env bash
# Export and import of a large node: one field with ATOMS versions (default 10^6) in its history.
#   bench/export-import.sh      (needs a built runtime: mvn -o -q -pl runtime -am package -DskipTests)
# Environment: ATOMS (versions of Note.body, default 1000000).
# Starts a copy of the runtime in a scratch folder, approves Note and writes one version of it, and
# exports that node to learn the Note records; then writes an export file holding ATOMS versions of
# Note.body (one history chain, the head pointing at the newest) and
#   1. imports it with `bin/datafold import` (its JVM capped at 256 MiB of heap): time, peak RSS;
#   2. starts the node on the imported data, reads the field and its newest versions;
#   3. exports the node again with `bin/datafold export` (the node's default heap): time, records/s;
# then stops the node and prints the figures. Nothing is timed by the tests; the machine is shared.
set -euo pipefail
ATOMS="${ATOMS:-1000000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/runtime/target/datafold"
[ -x "$src/bin/datafold" ] || { echo "build first: mvn -o -q -pl runtime -am package -DskipTests" >&2; exit 1; }

work="$(mktemp -d)"
node="$work/node"
cleanup() {
  [ -x "$node/bin/datafold" ] && DATAFOLD_DATA="$work/imported" "$node/bin/datafold" stop > /dev/null 2>&1 || true
  [ -x "$node/bin/datafold" ] && "$node/bin/datafold" stop > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$node"
(cd "$src" && tar --exclude=./data --exclude=./logs --exclude=./run --exclude=./cache -cf - .) | (cd "$node" && tar xf -)

"$node/bin/datafold" start > /dev/null
"$node/bin/datafold" shell schema:approve Note > /dev/null
"$node/bin/datafold" shell fold:mutate Note create '{"title": "big", "body": "v0"}' > /dev/null
"$node/bin/datafold" export "$work/small.jsonl" > /dev/null
"$node/bin/datafold" stop > /dev/null

python3 - "$work/small.jsonl" "$work/big.jsonl" "$ATOMS" <<'PY'
import json, sys
small, big, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [json.loads(l) for l in open(small, encoding="utf-8")]
header, records = lines[0], lines[1:-1]
keep = [r for r in records if r["repository"] in ("schemas", "schemas.by_hash")
        and (r["key"] == "Note" or r["value"].get("name") == "Note")]
body_ref = next(r for r in keep if r["repository"] == "schemas")["value"]["refs"]["body"]
title = [r for r in records if r["repository"] in ("atoms", "atom_refs")
         and (r["value"].get("field") == "title" or (r["repository"] == "atom_refs" and r["key"] != body_ref))]
template = next(r for r in records if r["repository"] == "atoms" and r["value"]["field"] == "body")["value"]
count = 0
with open(big, "w", encoding="utf-8") as out:
    def w(o):
        out.write(json.dumps(o, separators=(",", ":"), ensure_ascii=False) + "\n")
    w(header)
    for r in keep + title:
        w(r); count += 1
    w({"repository": "atom_refs", "key": body_ref,
       "value": {"atomUuid": "b%09d" % (n - 1), "versions": n, "deleted": False}}); count += 1
    for i in range(n):
        a = dict(template)
        a.update(uuid="b%09d" % i, prevAtomUuid=("b%09d" % (i - 1)) if i else None, content="version %d" % i)
        w({"repository": "atoms", "key": a["uuid"], "value": a}); count += 1
    w({"end": True, "records": count})
PY
size=$(du -m "$work/big.jsonl" | cut -f1)

echo "== import of $ATOMS atoms ($size MiB file)"
export DATAFOLD_DATA="$work/imported"
/usr/bin/time -f "import: %e s elapsed, peak RSS %M KiB" "$node/bin/datafold" import "$work/big.jsonl" 2>&1 | grep -v "^imported [0-9]* records$"

"$node/bin/datafold" start > /dev/null
"$node/bin/datafold" shell fold:query Note body | grep '"value"'
"$node/bin/datafold" shell fold:history -n 2 Note body | grep '"value"'
echo "== export of the imported node"
start=$(date +%s.%N)
"$node/bin/datafold" export "$work/again.jsonl" | grep -v "^export: "
end=$(date +%s.%N)
echo "export: $(echo "$end - $start" | bc) s through bin/datafold, $(du -m "$work/again.jsonl" | cut -f1) MiB"
echo "node RSS after the export: $(ps -o rss= -p "$(cat "$node/run/datafold.pid")") KiB"
"$node/bin/datafold" stop > /dev/null
