-- wrk script: every request charges 1 point with a new Idempotency-Key, for the fans of
-- $FANS (drop_setup.py's output; only the bearer column is used) in turn.
local fans = {}
local threads = {}

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("FANS")) do
    fans[#fans + 1] = line:match("^(%S+)")
  end
  index = tonumber(offset)
  step = tonumber(os.getenv("THREADS") or "2")
  run = os.getenv("RUN") or tostring(os.time())
  created, other = 0, 0
end

function request()
  local bearer = fans[(index - 1) % #fans + 1]
  local key = run .. "-" .. offset .. "-" .. index
  index = index + step
  return wrk.format("POST", "/api/me/points/charges", {
    ["Authorization"] = "Bearer " .. bearer,
    ["Idempotency-Key"] = key,
    ["Content-Type"] = "application/json" }, '{"amount":1}')
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    o = o + thread:get("other")
  end
  io.write(string.format("requests=%d duration_s=%.2f rps=%.0f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f created=%d other=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, c, o))
end
