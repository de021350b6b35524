#!/usr/bin/env bash
# The CRUD benchmark of docs/PERFORMANCE.md: creates at 32 clients and reads at 16, on a fresh server and database.
#   bench/crud.sh [seconds]     (needs ../shared/data/synthea, wrk, and a built tree: ./brazier builds it)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-30}"
data="${SYNTHEA:-$root/../shared/data/synthea}/ndjson/Observation.ndjson.gz"
port=8181
dir="$(mktemp -d /tmp/brazier-bench.XXXXXX)"
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$dir"' EXIT

(cd "$root" && mvn -B -q -DskipTests package -pl brazier-app,brazier-bench -am) >&2
bench_cp="$root/brazier-bench/target/classes:$(cd "$root/brazier-bench" && mvn -B -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"

# Synthea Observations refer to patients and encounters this benchmark does not load.
"$root/brazier" serve --port $port --data-dir "$dir" --referential-integrity lenient > "$dir/server.log" 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$port/healthz" > /dev/null; do
  kill -0 $server 2>/dev/null || { echo "the server did not start (is port $port taken?):" >&2; tail -5 "$dir/server.log" >&2; exit 1; }
  sleep 0.5
done

load() { java -Xmx1g -cp "$bench_cp" io.brazier.bench.CrudLoad --url "http://127.0.0.1:$port/fhir" --data "$data" "$@"; }
rss() { echo "server RSS: $(( $(ps -o rss= -p $server) / 1024 )) MiB, PostgreSQL RSS: $(( $(ps -C postgres -o rss= | awk '{s+=$1} END {print s}') / 1024 )) MiB"; }

echo "== create, 32 clients (Java load generator)"
load --mode create --clients 32 --seconds "$seconds"
rss
echo "== read, 16 clients (Java load generator; seeds 20,000 Observations by PUT)"
load --mode read --clients 16 --seconds "$seconds" --limit 20000
echo "== read, 16 connections (wrk, 2 threads)"
wrk -t2 -c16 -d"${seconds}s" --latency -s "$root/bench/read-random.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|99%|Latency"
rss
