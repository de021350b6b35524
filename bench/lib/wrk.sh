# Shared by the wrk benchmarks (bench/security.sh, bench/proxy.sh); sourced, with $dir (a work folder) and $seconds
# set. paths.txt in $dir holds the requests, one path per line, picked at random; TOKEN, if set, is sent as Bearer.
cat > "$dir/paths.lua" <<LUA
local paths = {}
for line in io.lines("$dir/paths.txt") do paths[#paths + 1] = line end
local token = os.getenv("TOKEN")
math.randomseed(os.time())
request = function()
  local headers = {}
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
LUA

# cpu_ticks <pid>: the CPU time (user + system, in clock ticks) the process has used so far
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run <label> <base URL> <token or empty>: a 10 s warm-up, then $seconds measured; one Markdown table row. With
# $watched set (process ids), the row ends with each one's CPU time per request in the measured run. CONNECTIONS
# (16 unless set) is how many requests are under way at once.
run() {
  local connections="${CONNECTIONS:-16}"
  local threads=$(( connections < 2 ? 1 : 2 ))
  TOKEN="$3" wrk -t"$threads" -c"$connections" -d10s -s "$dir/paths.lua" "$2" > /dev/null
  local before=() pid
  for pid in ${watched:-}; do before+=("$(cpu_ticks "$pid")"); done
  TOKEN="$3" wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$dir/paths.lua" "$2" > "$dir/run.txt"
  local requests cpu="" i=0
  requests=$(grep -oP '\d+(?= requests in)' "$dir/run.txt")
  for pid in ${watched:-}; do
    cpu+=$(awk -v ticks=$(( $(cpu_ticks "$pid") - before[i] )) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
      'BEGIN { printf " %.3f ms |", ticks * 1000 / hz / n }')
    i=$((i + 1))
  done
  printf '| %s | %s/s | %s | %s | %s |%s\n' "$1" "$(grep -oP '(?<=Requests/sec:)\s+\S+' "$dir/run.txt" | tr -d ' ')" \
    "$(grep -oP '(?<= 50%)\s+\S+' "$dir/run.txt" | tr -d ' ')" "$(grep -oP '(?<= 99%)\s+\S+' "$dir/run.txt" | tr -d ' ')" \
    "$(grep -oP '(?<=Non-2xx or 3xx responses: )\d+' "$dir/run.txt" || echo 0)" "$cpu"
}
