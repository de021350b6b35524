#!/usr/bin/env bash
# The as-of scan benchmark of docs/PERFORMANCE.md (issue 8, section 5): the repository's Synthea sample (372
# resources) loaded many times over into a fresh embedded store, then every type scanned as of the watermark, to
# nothing and to NDJSON files, with criteria, by Patient compartment, and after updates since the watermark.
# Then the Observations (and every type) again, as of the same watermark, after [changed] updates of Observations.
#   bench/scan.sh [copies] [page] [changed]   (default 300 copies, 111,600 resources; 5000 per page; 10000 updates)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
copies="${1:-300}"
page="${2:-5000}"
changed="${3:-10000}"
dir="$(mktemp -d /tmp/brazier-scan-bench.XXXXXX)"
trap 'rm -rf "$dir"' EXIT

(cd "$root" && mvn -B -q -DskipTests package -pl brazier-bench -am) >&2
cd "$root"
java -Xmx1g -cp brazier-bench/target/brazier-bench.jar io.brazier.bench.ScanBench --data-dir "$dir" --load \
  --copies "$copies" --page "$page" --changed "$changed"
