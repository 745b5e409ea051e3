-- wrk script: each line of $RESERVATIONS (bearer, reservation id) is paid once; lines are
-- shared out between threads. Run it for less time than the lines last, so every request
-- is a first payment (paid = requests then; a repeat would answer 200 without a debit).
package.path = "./?.lua;" .. package.path
local common = require("wrk_common")
local lines = {}

setup = common.setup

function init(args)
  for line in io.lines(os.getenv("RESERVATIONS")) do
    local bearer, id = line:match("^(%S+)\t(%S+)$")
    lines[#lines + 1] = { bearer = bearer, id = id }
  end
  -- LINE_OFFSET: start after the lines an earlier run used
  index = tonumber(offset) + tonumber(os.getenv("LINE_OFFSET") or "0")
  step = tonumber(os.getenv("THREADS") or "2")
  paid, other = 0, 0
end

function request()
  local line = lines[(index - 1) % #lines + 1]
  index = index + step
  return wrk.format("POST", "/api/reservations/" .. line.id .. "/payment",
    { ["Authorization"] = "Bearer " .. line.bearer })
end

function response(status, headers, body)
  if status == 200 then paid = paid + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  common.done(summary, latency, {"paid", "other"})
end
