-- wrk: POST the Observations of the file named by the BODIES environment variable (one JSON resource a line), in
-- turn, each connection starting at its own offset; Prefer: return=minimal, as the Java load generator sends them.
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do
  bodies[#bodies + 1] = line
end
local headers = { ["Content-Type"] = "application/fhir+json", ["Prefer"] = "return=minimal" }
local next = math.random(1, #bodies)

request = function()
  next = next % #bodies + 1
  return wrk.format("POST", "/fhir/Observation", headers, bodies[next])
end
