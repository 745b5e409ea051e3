-- Enter a concert's waiting room, or find the place the user already has.
-- KEYS: 1 cfg, 2 waiting (user -> sequence), 3 seen (user -> last seen ms),
--       4 active (user -> expiry ms), 5 sequence counter, 6 admits (admission no -> ms)
-- ARGV: 1 user, 2 idle timeout ms, 3 default admits per second
-- Reply: {'UNKNOWN'}
--      | {'ADMITTED', created, expires at ms}
--      | {'WAITING', created, position, place expires at ms, admits in last 10 s, admits per second}
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'UNKNOWN'}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local user = ARGV[1]

local expires = redis.call('ZSCORE', KEYS[4], user)
if expires and tonumber(expires) > now then
  return {'ADMITTED', '0', expires}
end

local created = '0'
local rank = redis.call('ZRANK', KEYS[2], user)
if not rank then
  if expires then
    redis.call('ZREM', KEYS[4], user)
  end
  local seq = redis.call('INCR', KEYS[5])
  redis.call('ZADD', KEYS[2], seq, user)
  rank = redis.call('ZRANK', KEYS[2], user)
  created = '1'
end
redis.call('ZADD', KEYS[3], now, user)

local rate = redis.call('HGET', KEYS[1], 'admitPerSecond') or ARGV[3]
local recent = redis.call('ZCOUNT', KEYS[6], now - 10000, '+inf')
return {'WAITING', created, tostring(rank + 1), tostring(now + tonumber(ARGV[2])), tostring(recent), rate}
