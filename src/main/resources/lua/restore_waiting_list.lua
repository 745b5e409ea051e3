-- Puts a schedule's waiting list back from PostgreSQL (the rebuild), in join order: each fan
-- keeps the join number recorded, so positions come back as they were. A fan already in the
-- line in Redis is left alone (Redis wins); the join counter never goes back. No events: the
-- record already has these joins.
-- KEYS: 1 wl, 2 wl:req, 3 wl:seq, 4 wl:wants
-- ARGV: triples of join number, user, "request:joinedAt ms" (request "s:<seats>" or "i:<inventoryId>:<units>")
-- Reply: {'RESTORED', 'restored', fans put back, 'waiting', fans in the line now}
local restored = 0
local highest = tonumber(redis.call('GET', KEYS[3]) or '0')
for i = 1, #ARGV, 3 do
  local number, user, text = tonumber(ARGV[i]), ARGV[i + 1], ARGV[i + 2]
  if redis.call('HEXISTS', KEYS[2], user) == 0 then
    redis.call('ZADD', KEYS[1], number, user)
    redis.call('HSET', KEYS[2], user, text)
    local req = wl_parse_request(text)
    redis.call('HINCRBY', KEYS[4], req.seats and 'seats' or req.inventory, 1)
    restored = restored + 1
  end
  if number > highest then
    highest = number
  end
end
redis.call('SET', KEYS[3], tostring(highest))
return {'RESTORED', 'restored', tostring(restored), 'waiting', tostring(redis.call('ZCARD', KEYS[1]))}
