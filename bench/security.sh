#!/usr/bin/env bash
# The security benchmark of docs/PERFORMANCE.md: reads and searches at 16 connections (wrk) on one server and database,
#  - with --auth and a Reader token against the same server restarted without --auth (what token checks cost), and
#  - under a patient-context token against an Administrator token (what patient isolation costs).
#   bench/security.sh [seconds] [patients] [rounds]   (needs ../shared/data/synthea, wrk, jq, and a built tree)
# rounds > 1 then alternates the Reader search with and without --auth that many more times, each on a restarted
# server, so that the order of the runs cannot pass for the token's cost.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-30}"
patients="${2:-40}"
rounds="${3:-1}"
bundles="${SYNTHEA:-$root/../shared/data/synthea}/bundles"
port=8181
base="http://127.0.0.1:$port"
dir="$(mktemp -d /tmp/brazier-bench.XXXXXX)"
server=
trap 'stop; rm -rf "$dir"' EXIT

(cd "$root" && mvn -B -q -DskipTests package -pl brazier-app -am) >&2
brazier() { java -jar "$root/brazier-app/target/brazier.jar" "$@"; }

start() {
  java -Xmx2g -XX:+UseParallelGC -jar "$root/brazier-app/target/brazier.jar" serve --port $port --data-dir "$dir/data" \
    --token-lifetime PT1H "$@" > "$dir/server.log" 2>&1 &
  server=$!
  until curl -sf "$base/healthz" > /dev/null; do
    kill -0 $server 2>/dev/null || { echo "the server did not start:" >&2; tail -5 "$dir/server.log" >&2; exit 1; }
    sleep 0.5
  done
}
stop() { [ -z "$server" ] || { kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; server=; }; }
token() { curl -sf "$base/oauth2/token" -d grant_type=client_credentials -d client_id="$1" -d client_secret="$2" | jq -r .access_token; }

secret=bench-secret-0123456789
brazier clients add admin --secret "$secret" --role Administrator --data-dir "$dir/data" > /dev/null
brazier clients add reader --secret "$secret" --role Reader --data-dir "$dir/data" > /dev/null

start --auth
source "$root/bench/lib/bundles.sh"
copy_bundles "$patients" "$dir/bundles"
echo "== loading $patients patients"
brazier load "$dir/bundles" --fhir "$base/fhir" --concurrency 2 --token-url "$base/oauth2/token" --client-id admin \
  --client-secret "$secret" > "$dir/load.log" 2>&1 || { tail -5 "$dir/load.log" >&2; exit 1; }

admin=$(token admin "$secret")
get() { curl -sf -H "Authorization: Bearer $admin" "$base/fhir/$1"; }
# The patient with the most Observations of the commonest code, so that both searches below find many.
code='http://loinc.org|8302-2'
patient=$(get "Observation?code=$code&_count=1000&_elements=subject" \
  | jq -r '[.entry[].resource.subject.reference] | group_by(.) | max_by(length)[0]' | sed 's|Patient/||')
get "Observation?_count=1000&_elements=id" | jq -r '.entry[].resource.id' > "$dir/ids.txt"
brazier clients add patient --secret "$secret" --role Patient --scope 'patient/*.rs' --fhir-user "Patient/$patient" \
  --data-dir "$dir/data" > /dev/null
sleep 2  # the running server picks the new client up within a second

source "$root/bench/lib/wrk.sh"
reads() { sed 's|^|/fhir/Observation/|' "$dir/ids.txt" > "$dir/paths.txt"; }
searches() { echo "/fhir/Observation?code=$code&_count=20" > "$dir/paths.txt"; }
everything() { echo "/fhir/Patient/$patient/\$everything?_count=100" > "$dir/paths.txt"; }

reader=$(token reader "$secret")
own=$(token patient "$secret")
echo "| what | rate | p50 | p99 | errors |"
echo "|---|---:|---:|---:|---:|"
reads; run "read Observation by id, --auth, Reader token" "$base" "$reader"
searches; run "search Observation?code, --auth, Reader token" "$base" "$reader"
searches; run "search Observation?code, --auth, Administrator token" "$base" "$admin"
searches; run "search Observation?code, --auth, patient-context token" "$base" "$own"
everything; run "Patient/\$everything, --auth, Administrator token" "$base" "$admin"
everything; run "Patient/\$everything, --auth, patient-context token" "$base" "$own"
stop
start
reads; run "read Observation by id, no --auth" "$base" ""
searches; run "search Observation?code, no --auth" "$base" ""
for ((round = 2; round <= rounds; round++)); do
  stop
  start --auth
  reader=$(token reader "$secret")
  searches; run "search Observation?code, --auth, Reader token (round $round)" "$base" "$reader"
  stop
  start
  searches; run "search Observation?code, no --auth (round $round)" "$base" ""
done
