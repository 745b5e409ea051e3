-- wrk script: each line of $FANS (bearer, queue token, seat) is one hold request; lines are
-- shared out between threads and reused from the start when used up (reuse answers 409).
package.path = "./?.lua;" .. package.path
local common = require("wrk_common")
local fans = {}

setup = common.setup

function init(args)
  for line in io.lines(os.getenv("FANS")) do
    local bearer, queue, seat = line:match("^(%S+)\t(%S+)\t(%S+)$")
    fans[#fans + 1] = { bearer = bearer, queue = queue, seat = seat }
  end
  index = tonumber(offset)
  step = tonumber(os.getenv("THREADS") or "2")
  path = "/api/schedules/" .. os.getenv("SCHEDULE") .. "/reservations"
  created, conflicts, other = 0, 0, 0
end

function request()
  local fan = fans[(index - 1) % #fans + 1]
  index = index + step
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. fan.bearer,
    ["Queue-Token"] = fan.queue,
    ["Content-Type"] = "application/json" }, '{"seatIds":[' .. fan.seat .. ']}')
end

function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 409 then conflicts = conflicts + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  common.done(summary, latency, {"created", "conflicts", "other"})
end

-- DELAY_MS paces each connection (e.g. 20 connections × DELAY_MS=20 ≈ 1,000 holds/s)
function delay()
  return tonumber(os.getenv("DELAY_MS") or "0")
end
