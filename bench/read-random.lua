-- wrk: GET one of the Observations that CrudLoad --mode read seeded (bench-0 .. bench-19999), at random.
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/fhir/Observation/bench-" .. math.random(0, 19999))
end
