-- Open a concert's waiting room, with its settings (or the defaults when none are given).
-- KEYS: 1 cfg
-- ARGV: empty, or 1 maxActive, 2 admitPerSecond, 3 active TTL ms
-- Reply: {'OK'}
redis.call('HSET', KEYS[1], 'open', '1')
if #ARGV == 3 then
  redis.call('HSET', KEYS[1], 'maxActive', ARGV[1], 'admitPerSecond', ARGV[2], 'activeTtlMs', ARGV[3])
end
return {'OK'}
