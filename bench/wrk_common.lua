-- Shared by the wrk scripts of this directory (they run with it as the working directory):
-- numbers the threads (each thread sees its number as the global `offset`) and prints the
-- one summary line the bench scripts read, with the given per-thread counters summed.
local common = {}
local threads = {}
local counter = 0

function common.setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
  table.insert(threads, thread)
end

-- counters: names of global numbers each thread keeps (e.g. {"created", "other"});
-- extra: further name = value pairs for the line
function common.done(summary, latency, counters, extra)
  local line = string.format("requests=%d duration_s=%.2f rps=%.0f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000)
  for _, name in ipairs(counters) do
    local total = 0
    for _, thread in ipairs(threads) do
      total = total + thread:get(name)
    end
    line = line .. string.format(" %s=%d", name, total)
  end
  for name, value in pairs(extra or {}) do
    line = line .. string.format(" %s=%d", name, value)
  end
  io.write(line .. "\n")
end

return common
