-- Counters of one concert's waiting room.
-- KEYS: 1 cfg, 2 waiting, 3 active, 4 admitted total
-- Reply: {'UNKNOWN'} | {'OK', waiting, active (unexpired), admitted total}
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'UNKNOWN'}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return {'OK', tostring(redis.call('ZCARD', KEYS[2])), tostring(redis.call('ZCOUNT', KEYS[3], '(' .. now, '+inf')),
  redis.call('GET', KEYS[4]) or '0'}
