#!/usr/bin/env bash
# The search benchmark of docs/PERFORMANCE.md (issue 3), after Blaze's method: load the Synthea ndjson into a fresh
# embedded store (once with indexing, once without, for what indexing costs), then over HTTP: count by the most
# frequent code, page through its matches with _count=1000, and p50/p99 of the selective queries. Each measurement
# has one warm-up and three timed runs.
#   bench/search.sh [ndjson-dir]      (default ../shared/data/synthea/ndjson; needs a built tree)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ndjson="${1:-${SYNTHEA:-$root/../shared/data/synthea}/ndjson}"
dir="$(mktemp -d /tmp/brazier-search-bench.XXXXXX)"
trap 'rm -rf "$dir"' EXIT

(cd "$root" && mvn -B -q -DskipTests package -pl brazier-bench -am) >&2
bench() { java -Xmx2g -cp "$root/brazier-bench/target/brazier-bench.jar" io.brazier.bench.SearchBench --ndjson "$ndjson" "$@"; }

echo "== load without search indexes (the write cost of indexing is the difference)"
bench --data-dir "$dir/plain" --load --no-index --no-searches | grep -E "^loaded .*SupplyDelivery|^size resources"
rm -rf "$dir/plain"
echo "== load with search indexes"
bench --data-dir "$dir/indexed" --load --no-searches | grep -E "^loaded .*SupplyDelivery|^size"
echo "== searches, after a restart (a new process on the same data)"
bench --data-dir "$dir/indexed"
