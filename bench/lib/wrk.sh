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

# run <label> <base URL> <token or empty>: a 10 s warm-up, then $seconds measured; one Markdown table row
run() {
  TOKEN="$3" wrk -t2 -c16 -d10s -s "$dir/paths.lua" "$2" > /dev/null
  TOKEN="$3" wrk -t2 -c16 -d"${seconds}s" --latency -s "$dir/paths.lua" "$2" > "$dir/run.txt"
  printf '| %s | %s/s | %s | %s | %s |\n' "$1" "$(grep -oP '(?<=Requests/sec:)\s+\S+' "$dir/run.txt" | tr -d ' ')" \
    "$(grep -oP '(?<= 50%)\s+\S+' "$dir/run.txt" | tr -d ' ')" "$(grep -oP '(?<= 99%)\s+\S+' "$dir/run.txt" | tr -d ' ')" \
    "$(grep -oP '(?<=Non-2xx or 3xx responses: )\d+' "$dir/run.txt" || echo 0)"
}
