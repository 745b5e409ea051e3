-- The next entries one relay instance must publish from one outbox stream, in one call:
-- 1. its own pending entries (read before, not yet confirmed by Kafka),
-- 2. entries pending for at least ARGV[3] ms with another (presumably dead) instance,
--    claimed by this one (XAUTOCLAIM),
-- 3. new entries.
-- Creates the consumer group on first use. Pending entries whose content was deleted are
-- acknowledged and skipped.
-- KEYS: 1 outbox stream
-- ARGV: 1 group, 2 consumer, 3 claim idle ms, 4 count
-- Reply: flat list: id, field count, field, value, ..., id, field count, ...
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {}
end
local ok = pcall(redis.call, 'XGROUP', 'CREATE', KEYS[1], ARGV[1], '0')
local count = tonumber(ARGV[4])
local out = {}
local seen = {}

local function add(entries)
  for _, entry in ipairs(entries) do
    local id, fields = entry[1], entry[2]
    if not fields then
      redis.call('XACK', KEYS[1], ARGV[1], id)
    elseif not seen[id] then
      seen[id] = true
      out[#out + 1] = id
      out[#out + 1] = tostring(#fields)
      for i = 1, #fields do
        out[#out + 1] = fields[i]
      end
    end
  end
end

local own = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', count, 'STREAMS', KEYS[1], '0')
if own then
  add(own[1][2])
end
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', count)
add(claimed[2])
local fresh = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', count, 'STREAMS', KEYS[1], '>')
if fresh then
  add(fresh[1][2])
end
return out
