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
mkdir "$dir/bundles"
cp "$bundles"/hospitalInformation* "$bundles"/practitionerInformation* "$dir/bundles/"
copied=0
for f in "$bundles"/*; do
  case "$(basename "$f")" in hospitalInformation* | practitionerInformation*) continue ;; esac
  [ $copied -lt "$patients" ] || break
  cp "$f" "$dir/bundles/"
  copied=$((copied + 1))
done
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

cat > "$dir/paths.lua" <<EOF
local paths = {}
for line in io.lines("$dir/paths.txt") do paths[#paths + 1] = line end
local token = os.getenv("TOKEN")
math.randomseed(os.time())
request = function()
  local headers = {}
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
EOF
# run <label> <token or empty>: paths.txt holds the requests, picked at random
run() {
  TOKEN="$2" wrk -t2 -c16 -d10s -s "$dir/paths.lua" "$base" > /dev/null  # warm-up
  TOKEN="$2" wrk -t2 -c16 -d"${seconds}s" --latency -s "$dir/paths.lua" "$base" > "$dir/run.txt"
  printf '| %s | %s/s | %s | %s | %s |\n' "$1" "$(grep -oP '(?<=Requests/sec:)\s+\S+' "$dir/run.txt" | tr -d ' ')" \
    "$(grep -oP '(?<= 50%)\s+\S+' "$dir/run.txt" | tr -d ' ')" "$(grep -oP '(?<= 99%)\s+\S+' "$dir/run.txt" | tr -d ' ')" \
    "$(grep -oP '(?<=Non-2xx or 3xx responses: )\d+' "$dir/run.txt" || echo 0)"
}
reads() { sed 's|^|/fhir/Observation/|' "$dir/ids.txt" > "$dir/paths.txt"; }
searches() { echo "/fhir/Observation?code=$code&_count=20" > "$dir/paths.txt"; }
everything() { echo "/fhir/Patient/$patient/\$everything?_count=100" > "$dir/paths.txt"; }

reader=$(token reader "$secret")
own=$(token patient "$secret")
echo "| what | rate | p50 | p99 | errors |"
echo "|---|---:|---:|---:|---:|"
reads; run "read Observation by id, --auth, Reader token" "$reader"
searches; run "search Observation?code, --auth, Reader token" "$reader"
searches; run "search Observation?code, --auth, Administrator token" "$admin"
searches; run "search Observation?code, --auth, patient-context token" "$own"
everything; run "Patient/\$everything, --auth, Administrator token" "$admin"
everything; run "Patient/\$everything, --auth, patient-context token" "$own"
stop
start
reads; run "read Observation by id, no --auth" ""
searches; run "search Observation?code, no --auth" ""
for ((round = 2; round <= rounds; round++)); do
  stop
  start --auth
  reader=$(token reader "$secret")
  searches; run "search Observation?code, --auth, Reader token (round $round)" "$reader"
  stop
  start
  searches; run "search Observation?code, no --auth (round $round)" ""
done
