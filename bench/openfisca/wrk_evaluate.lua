-- wrk script: POST the facts of one hire (bench/openfisca/http_facts.json) to the evaluate endpoint.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open((os.getenv("HTTP_FACTS") or "bench/openfisca/http_facts.json"), "r"))
wrk.body = f:read("*a")
f:close()

done = function(summary, latency, requests)
  io.write(string.format("non-200 responses: %d\n", summary.errors.status))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%g: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
end
