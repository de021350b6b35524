#!/usr/bin/env bash
# The CRUD benchmark of docs/PERFORMANCE.md: creates at 32 clients and reads at 16, on a fresh server and database,
# driven by wrk (a light generator, so that the two cores go to the server) and by the Java load generator.
#   bench/crud.sh [seconds]     (needs ../shared/data/synthea, wrk, and a built tree: ./brazier builds it)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-30}"
data="${SYNTHEA:-$root/../shared/data/synthea}/ndjson/Observation.ndjson.gz"
[ -f "$data" ] || { echo "no $data: set SYNTHEA to the folder of the Synthea set (with ndjson/ in it)" >&2; exit 2; }
port=8181
dir="$(mktemp -d /tmp/brazier-bench.XXXXXX)"
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$dir"' EXIT

(cd "$root" && mvn -B -q -DskipTests package -pl brazier-app,brazier-bench -am) >&2

# Synthea Observations refer to patients and encounters this benchmark does not load.
"$root/brazier" serve --port $port --data-dir "$dir" --referential-integrity lenient > "$dir/server.log" 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$port/healthz" > /dev/null; do
  kill -0 $server 2>/dev/null || { echo "the server did not start (is port $port taken?):" >&2; tail -5 "$dir/server.log" >&2; exit 1; }
  sleep 0.5
done
# $validate answers once the validator has loaded the R4 definitions in the background: keep that out of the runs.
curl -sf -X POST -H 'Content-Type: application/fhir+json' -d '{"resourceType":"Patient"}' \
  "http://127.0.0.1:$port/fhir/Patient/\$validate" > /dev/null

load() { java -Xmx1g -cp "$root/brazier-bench/target/brazier-bench.jar" io.brazier.bench.CrudLoad --url "http://127.0.0.1:$port/fhir" --data "$data" "$@"; }
rss() { echo "server RSS: $(( $(ps -o rss= -p $server) / 1024 )) MiB, PostgreSQL RSS: $(( $(ps -C postgres -o rss= | awk '{s+=$1} END {print s}') / 1024 )) MiB"; }

count() { curl -sf "http://127.0.0.1:$port/fhir/Observation?_summary=count" | sed 's/.*"total":\([0-9]*\).*/\1/'; }
{ zcat "$data" || true; } | head -20000 > "$dir/observations.ndjson"  # zcat stops early: not an error
echo "== create, 32 connections (wrk, 2 threads): a 60 s warm-up (the JIT compiles the write path), then 3 runs"
creates() { BODIES="$dir/observations.ndjson" wrk -t2 -c32 -d"$1" --latency -s "$root/bench/create.lua" "http://127.0.0.1:$port"; }
creates 60s > /dev/null
for run in 1 2 3; do
  before=$(count)
  creates "${seconds}s" > "$dir/create.txt"
  answered=$(grep -oP '\d+(?= requests in)' "$dir/create.txt")
  # wrk stops counting at the deadline; requests still in flight then are stored too.
  echo "run $run: $(grep -oP '(?<=Requests/sec:)\s+\S+' "$dir/create.txt" | tr -d ' ')/s," \
    "p50 $(grep -oP '(?<= 50%)\s+\S+' "$dir/create.txt" | tr -d ' '), p99 $(grep -oP '(?<= 99%)\s+\S+' "$dir/create.txt" | tr -d ' ')," \
    "$answered answered, $(( $(count) - before )) stored, $(grep -oP '(?<=Non-2xx or 3xx responses: )\d+' "$dir/create.txt" || echo 0) errors"
done
rss
echo "== create, 32 clients (Java load generator)"
load --mode create --clients 32 --seconds "$seconds"
rss
echo "== read, 16 clients (Java load generator; seeds 20,000 Observations by PUT)"
load --mode read --clients 16 --seconds "$seconds" --limit 20000
echo "== read, 16 connections (wrk, 2 threads)"
wrk -t2 -c16 -d"${seconds}s" --latency -s "$root/bench/read-random.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|99%|Latency"
rss
