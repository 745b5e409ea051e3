-- wrk script: every request charges 1 point with a new Idempotency-Key, for the fans of
-- $FANS (drop_setup.py's output; only the bearer column is used) in turn.
package.path = "./?.lua;" .. package.path
local common = require("wrk_common")
local fans = {}

setup = common.setup

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
  common.done(summary, latency, {"created", "other"})
end
