-- wrk script: every request enters the waiting room of concert CONCERT as the next user
-- of the token file, so each request is a first entry until the tokens run out.
local tokens = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
end

function init(args)
  for line in io.lines(os.getenv("TOKENS") or "tokens.txt") do
    tokens[#tokens + 1] = line
  end
  index = tonumber(offset) or 1
  step = tonumber(os.getenv("THREADS") or "2")
  path = "/api/concerts/" .. os.getenv("CONCERT") .. "/queue"
end

function request()
  local token = tokens[(index - 1) % #tokens + 1]
  index = index + step
  return wrk.format("POST", path, { ["Authorization"] = "Bearer " .. token }, nil)
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d duration_s=%.1f rps=%.0f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f errors_non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status))
end
