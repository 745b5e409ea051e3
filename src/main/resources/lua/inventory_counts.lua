-- Counts of a schedule's inventories, after returning the units of lapsed holds: a hold's
-- units stay in the inventory's holds zset ("reservationId|units" -> held-until ms) until
-- their deadline, so whoever reads or changes an inventory first ages them out, and nobody
-- depends on a reaper having run.
-- KEYS: per inventory: its hash, its holds zset
-- ARGV: inventory ids, in KEYS order
-- Reply: JSON array of {id, name, quantity, price, maxPerUser, held, sold} (inventories not in
--        Redis are left out)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i = 1, #ARGV do
  local hash, holds = KEYS[2 * i - 1], KEYS[2 * i]
  local lapsed = redis.call('ZRANGEBYSCORE', holds, '-inf', now)
  if #lapsed > 0 then
    local units = 0
    for _, member in ipairs(lapsed) do
      units = units + tonumber(string.match(member, '|(%d+)$'))
    end
    redis.call('HINCRBY', hash, 'held', -units)
    redis.call('ZREMRANGEBYSCORE', holds, '-inf', now)
  end
  local c = redis.call('HMGET', hash, 'name', 'quantity', 'price', 'maxPerUser', 'held', 'sold')
  if c[2] then
    out[#out + 1] = {id = tonumber(ARGV[i]), name = c[1], quantity = tonumber(c[2]), price = tonumber(c[3]),
      maxPerUser = tonumber(c[4]), held = tonumber(c[5]), sold = tonumber(c[6])}
  end
end
if #out == 0 then
  return '[]'
end
return cjson.encode(out)
