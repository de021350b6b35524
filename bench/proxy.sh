#!/usr/bin/env bash
# The proxy benchmark of docs/PERFORMANCE.md (issue 15): reads and searches at 16 connections (wrk) through
# `brazier proxy` (a Reader token of its own token server, checked on every request) in front of a Brazier, against
# the same Brazier directly (no authentication). Both processes share the machine's cores with wrk.
#   bench/proxy.sh [seconds] [patients]   (needs ../shared/data/synthea, wrk, jq, and a built tree)
# PROXY_JAVA_OPTIONS adds JVM options to the proxy's (a profiler: -XX:StartFlightRecording=filename=...); BUILT=1
# skips the build. Each row ends with the CPU time per request the server and the proxy used (/proc/<pid>/stat).
# PIN=1 pins the processes once the proxy has started: the server to core 0, the proxy and wrk to core 1 (each with
# its PostgreSQL), so the proxy never shares a core with its upstream. CONNECTIONS=1 measures one client's latency.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-30}"
patients="${2:-20}"
bundles="${SYNTHEA:-$root/../shared/data/synthea}/bundles"
direct="http://127.0.0.1:8181"
proxied="http://127.0.0.1:8182"
dir="$(mktemp -d /tmp/brazier-proxy-bench.XXXXXX)"
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; rm -rf "$dir"' EXIT

[ "${BUILT:-0}" = 1 ] || (cd "$root" && mvn -B -q -DskipTests package -pl brazier-app -am) >&2
brazier() { java -jar "$root/brazier-app/target/brazier.jar" "$@"; }
# start <name> <url> <JVM options> <brazier arguments...>: in the background, until <url>/healthz answers
start() {
  local name="$1" url="$2" options="$3"
  shift 3
  # shellcheck disable=SC2086 # the options are words
  java -Xmx2g -XX:+UseParallelGC $options -jar "$root/brazier-app/target/brazier.jar" "$@" > "$dir/$name.log" 2>&1 &
  pids+=($!)
  until curl -sf "$url/healthz" > /dev/null; do
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "$name did not start:" >&2; tail -5 "$dir/$name.log" >&2; exit 1; }
    sleep 0.5
  done
}

start server "$direct" "" serve --port 8181 --data-dir "$dir/server"
source "$root/bench/lib/bundles.sh"
copy_bundles "$patients" "$dir/bundles"
echo "== loading $patients patients"
brazier load "$dir/bundles" --fhir "$direct/fhir" --concurrency 2 > "$dir/load.log" 2>&1 \
  || { tail -5 "$dir/load.log" >&2; exit 1; }

# pin <pid> <core>: the process, each of its threads and its child processes (PostgreSQL's) onto one core
pin() {
  local child
  taskset -a -p -c "$2" "$1" > /dev/null
  for child in $(pgrep -P "$1" || true); do pin "$child" "$2"; done
}

secret=bench-secret-0123456789
brazier clients add reader --secret "$secret" --role Reader --data-dir "$dir/proxy" > /dev/null
start proxy "$proxied" "${PROXY_JAVA_OPTIONS:-}" proxy --upstream "$direct/fhir" --port 8182 --data-dir "$dir/proxy"
if [ "${PIN:-0}" = 1 ]; then
  # Each one's PostgreSQL runs detached from its JVM: found by its data directory, inside the JVM's
  for pid in $(pgrep -f "$dir/server"); do pin "$pid" 0; done
  for pid in $(pgrep -f "$dir/proxy"); do pin "$pid" 1; done
  wrk() { taskset -c 1 "$(type -P wrk)" "$@"; }
fi
token=$(curl -sf "$proxied/oauth2/token" -d grant_type=client_credentials -d client_id=reader -d client_secret="$secret" \
  | jq -r .access_token)

code='http://loinc.org|8302-2'
curl -sf "$direct/fhir/Observation?_count=1000&_elements=id" | jq -r '.entry[].resource.id' \
  | sed 's|^|/fhir/Observation/|' > "$dir/reads.txt"
echo "/fhir/Observation?code=$code&_count=20" > "$dir/searches.txt"
source "$root/bench/lib/wrk.sh"
framing() { curl -sf -o /dev/null -D - "${@:2}" "$1/fhir/Observation?code=$code&_count=20" \
  | grep -ioE '^(content-length|transfer-encoding): \S+' | tr -d '\r' | tr '\n' ' '; }
echo "== a search's answer: direct $(framing "$direct"), through the proxy $(framing "$proxied" -H "Authorization: Bearer $token")"
watched="${pids[*]}"
echo "| what | rate | p50 | p99 | errors | server CPU/request | proxy CPU/request |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for round in 1 2; do
  for what in reads searches; do
    cp "$dir/$what.txt" "$dir/paths.txt"
    run "$what, direct (round $round)" "$direct" ""
    run "$what, through brazier proxy, Reader token (round $round)" "$proxied" "$token"
  done
done
