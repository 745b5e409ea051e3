-- Counters and settings of one concert's waiting room.
-- KEYS: 1 cfg, 2 waiting, 3 active, 4 admitted total
-- ARGV: 1 default maxActive, 2 default admitPerSecond, 3 default active TTL ms
-- Reply: {'UNKNOWN'}
--      | {'OK', waiting, active (unexpired), admitted total, maxActive, admitPerSecond, active TTL ms}
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'UNKNOWN'}
end
local now = now_ms()
local cfg = redis.call('HMGET', KEYS[1], 'maxActive', 'admitPerSecond', 'activeTtlMs')
return {'OK', tostring(redis.call('ZCARD', KEYS[2])), tostring(redis.call('ZCOUNT', KEYS[3], '(' .. now, '+inf')),
  redis.call('GET', KEYS[4]) or '0', cfg[1] or ARGV[1], cfg[2] or ARGV[2], cfg[3] or ARGV[3]}
