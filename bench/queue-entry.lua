-- wrk script: every request enters the waiting room of concert CONCERT as the next user
-- of the token file, so each request is a first entry until the tokens run out.
package.path = "./?.lua;" .. package.path
local common = require("wrk_common")
local tokens = {}

setup = common.setup

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
  common.done(summary, latency, {}, { errors_non2xx = summary.errors.status })
end
