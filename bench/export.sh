#!/usr/bin/env bash
# The export benchmark of docs/PERFORMANCE.md, on the shared Synthea set loaded once through the bundle path
# (bench/synthea-load, 2 clients):
#  - the server's own `$export` to local files: system level, and Patient level with a _typeFilter;
#  - `brazier export all --type Observation` (the client-side export through search) at --parallel 1, 2 and 4.
#   bench/export.sh [work-dir]   (needs ../shared/data/synthea, jq, jcmd and a built tree)
# A work-dir given is kept: the next run with it reuses the loaded set and skips the load. SERVER_JAVA_OPTS adds
# options to the server's JVM (e.g. -XX:StartFlightRecording=filename=export.jfr to profile it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
port=8184
base="http://127.0.0.1:$port/fhir"
work="${1:-}"
keep=${work:+yes}
work="${work:-$(mktemp -d /tmp/brazier-bench.XXXXXX)}"
server=
trap '[ -z "$server" ] || { kill $server; wait $server || true; }; [ -n "$keep" ] || rm -rf "$work"' EXIT

if [ -d "$work/c2/data" ]; then
  echo "== the Synthea set loaded in $work/c2/data"
else
  echo "== loading the Synthea set (bench/synthea-load --concurrency 2)"
  java -cp "$root/brazier-bench/target/brazier-bench.jar" io.brazier.bench.SyntheaLoad --concurrency 2 \
    --bundles "${SYNTHEA_BUNDLES:-$root/../shared/data/synthea/bundles}" --work-dir "$work" --keep-data | grep '^| 2 '
fi
rm -rf "$work/c2/data/export" "$work/client-"*
# shellcheck disable=SC2086
java -Xmx2g ${SERVER_JAVA_OPTS:-} -XX:+UseParallelGC -jar "$root/brazier-app/target/brazier.jar" serve --port $port \
  --data-dir "$work/c2/data" > "$work/server.log" 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$port/healthz" > /dev/null; do
  kill -0 $server 2>/dev/null || { echo "the server did not start:" >&2; tail -5 "$work/server.log" >&2; exit 1; }
  sleep 0.5
done

heap() { jcmd $server GC.heap_info | grep -oP '(?<=used )\d+(?=K)' | awk '{s += $1} END {print int(s / 1024)}'; }
# CPU seconds so far of each thread of the server (name<TAB>seconds), and of all PostgreSQL processes together
threads() { for t in /proc/$server/task/*; do printf '%s\t%s\n' "$(cat $t/comm)" "$(cut -d')' -f2 $t/stat | awk '{print $12 + $13}')"; done; }
postgres_cpu() { for p in $(pgrep -x postgres); do cut -d')' -f2 /proc/$p/stat 2>/dev/null | awk '{print $12 + $13}'; done | awk '{s += $1} END {print s}'; }
# where_cpu <label> <threads before> <postgres before>: the CPU each group of threads and PostgreSQL used since
where_cpu() {
  local tick; tick=$(getconf CLK_TCK)
  { echo "$2"; threads | sed 's/^/now\t/'; } | awk -F'\t' -v tick="$tick" -v label="$1" -v pg="$(( $(postgres_cpu) - $3 ))" '
    $1 == "now" { name = $2; sub(/[-#]?[0-9]+$/, "", name); used[name] += $3; next }
    { name = $1; sub(/[-#]?[0-9]+$/, "", name); used[name] -= $2 }
    END { printf "CPU during %s: PostgreSQL %.1f s;", label, pg / tick
          for (n in used) if (used[n] >= tick / 10) printf " %s %.1f s;", n, used[n] / tick; print "" }' >&2
}
# export <label> <kick-off path>: time from kick-off to the manifest, resources exported, heap used while it ran
export_run() {
  local began status code used most=0 threads_before pg_before
  threads_before=$(threads)
  pg_before=$(postgres_cpu)
  began=$(date +%s.%N)
  status=$(curl -sf -D - -o /dev/null -H 'Prefer: respond-async' "$base/$2" | grep -i '^content-location:' \
    | tr -d '\r' | cut -d' ' -f2)
  until code=$(curl -s -o "$work/manifest.json" -w '%{http_code}' "$status") && [ "$code" != 202 ]; do
    used=$(heap)
    most=$(( used > most ? used : most ))
    sleep 1
  done
  [ "$code" = 200 ] || { echo "$1: the export answered $code: $(cat "$work/manifest.json")" >&2; exit 1; }
  local seconds resources
  seconds=$(echo "$(date +%s.%N) - $began" | bc)
  resources=$(jq '[.output[].count] | add' "$work/manifest.json")
  printf '| %s | %s | %.1f s | **%d resources/s** | %s MB |\n' "$1" "$resources" "$seconds" \
    "$(echo "$resources / $seconds" | bc)" "$most"
  where_cpu "$1" "$threads_before" "$pg_before"
}

echo "| what | resources | time | rate | heap used, most seen |"
echo "|---|---:|---:|---:|---:|"
export_run "system \$export" '$export'
export_run "system \$export again (warm)" '$export'
export_run "Patient/\$export, _type=Observation,Condition, _typeFilter=Observation?category=laboratory" \
  'Patient/$export?_type=Observation,Condition&_typeFilter=Observation%3Fcategory%3Dlaboratory'
for parallel in 1 2 4; do
  began=$(date +%s.%N)
  java -jar "$root/brazier-app/target/brazier.jar" export all --fhir "$base" --type Observation \
    --parallel $parallel --out "$work/client-$parallel" > "$work/client.log" 2>&1 \
    || { tail -5 "$work/client.log" >&2; exit 1; }
  seconds=$(echo "$(date +%s.%N) - $began" | bc)
  resources=$(cat "$work/client-$parallel"/*.ndjson | wc -l)
  printf '| brazier export all --type Observation --parallel %d | %d | %.1f s | **%d resources/s** | - |\n' \
    "$parallel" "$resources" "$seconds" "$(echo "$resources / $seconds" | bc)"
done
