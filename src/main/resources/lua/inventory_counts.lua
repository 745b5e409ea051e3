-- Counts of a schedule's inventories, after returning the units of lapsed holds (units.lua
-- age_units): whoever reads or changes an inventory first ages it, and nobody depends on a
-- reaper having run.
-- KEYS: per inventory: its hash, its holds zset
-- ARGV: inventory ids, in KEYS order
-- Reply: JSON array of {id, name, quantity, price, maxPerUser, held, sold} (inventories not in
--        Redis are left out)
local now = now_ms()
local out = {}
for i = 1, #ARGV do
  local hash, holds = KEYS[2 * i - 1], KEYS[2 * i]
  age_units(hash, holds, now)
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
