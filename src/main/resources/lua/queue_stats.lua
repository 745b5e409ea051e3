-- Counters and settings of one concert's waiting room.
-- KEYS: 1 cfg, 2 waiting, 3 active, 4 admitted total
-- ARGV: 1 default maxActive, 2 default admitPerSecond, 3 default active TTL ms
-- Reply: {'UNKNOWN'} (no such waiting room)
--      | {'OK', 'waiting', n, 'active', n (unexpired), 'admittedTotal', n, 'maxActive', n,
--         'admitPerSecond', n, 'activeTtlMs', ms}
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'UNKNOWN'}
end
local now = now_ms()
local cfg = redis.call('HMGET', KEYS[1], 'maxActive', 'admitPerSecond', 'activeTtlMs')
return {'OK', 'waiting', tostring(redis.call('ZCARD', KEYS[2])),
  'active', tostring(redis.call('ZCOUNT', KEYS[3], '(' .. now, '+inf')), 'admittedTotal', redis.call('GET', KEYS[4]) or '0',
  'maxActive', cfg[1] or ARGV[1], 'admitPerSecond', cfg[2] or ARGV[2], 'activeTtlMs', cfg[3] or ARGV[3]}
