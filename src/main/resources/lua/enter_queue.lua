-- Enter a concert's waiting room, or find the place the user already has.
-- A user who has neither place nor admission takes a new place only while fewer than the cap
-- of distinct users entered this room from the same client address in the last minute
-- (the user counts once a minute however often it enters); over it nothing changes.
-- KEYS: 1 cfg, 2 waiting (user -> sequence), 3 seen (user -> last seen ms),
--       4 active (user -> expiry ms), 5 sequence counter, 6 admits (admission no -> ms),
--       7 entries from the client's address (user -> ms of its first entry in the last minute)
-- ARGV: 1 user, 2 default admits per second, 3 default maxActive, 4 default active TTL ms,
--       5 most distinct users entering per address per minute (0 = no cap)
-- Reply: {'UNKNOWN'} (no such waiting room)
--      | {'ADDRESS_LIMIT', 'retryAfterMs', ms until the address may bring a new user}
--      | {'ADMITTED', 'created', '0', 'expiresAt', ms}
--      | {'WAITING', 'created', '1' (a new place) or '0', 'position', n, 'now', ms,
--         'admitsLast10s', n, 'admitPerSecond', n, 'waiting', n (fans waiting in the room),
--         'placeFreeAt', ms (as in queue_status.lua)}
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'UNKNOWN'}
end
local now = now_ms()
local user = ARGV[1]

local expires = redis.call('ZSCORE', KEYS[4], user)
if expires and tonumber(expires) > now then
  return {'ADMITTED', 'created', '0', 'expiresAt', expires}
end

local created = '0'
local rank = redis.call('ZRANK', KEYS[2], user)
if not rank then
  local cap = tonumber(ARGV[5])
  if cap > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', now - 60000)
    if not redis.call('ZSCORE', KEYS[7], user) then
      if redis.call('ZCARD', KEYS[7]) >= cap then
        local oldest = redis.call('ZRANGE', KEYS[7], 0, 0, 'WITHSCORES')
        return {'ADDRESS_LIMIT', 'retryAfterMs', tostring(tonumber(oldest[2]) + 60000 - now)}
      end
      redis.call('ZADD', KEYS[7], now, user)
      redis.call('PEXPIRE', KEYS[7], 60000)
    end
  end
  if expires then
    redis.call('ZREM', KEYS[4], user)
  end
  local seq = redis.call('INCR', KEYS[5])
  redis.call('ZADD', KEYS[2], seq, user)
  rank = redis.call('ZRANK', KEYS[2], user)
  created = '1'
end
redis.call('ZADD', KEYS[3], now, user)

local cfg = redis.call('HMGET', KEYS[1], 'admitPerSecond', 'maxActive', 'activeTtlMs')
local rate = cfg[1] or ARGV[2]
local maxActive = tonumber(cfg[2] or ARGV[3])
local ttl = tonumber(cfg[3] or ARGV[4])
local recent = redis.call('ZCOUNT', KEYS[6], now - 10000, '+inf')
local ended = redis.call('ZCOUNT', KEYS[4], '-inf', now)
local live = redis.call('ZCARD', KEYS[4]) - ended

-- When a place in the room can be free for the user at this position (see queue_status.lua).
local function placeFreeAt(position)
  local place = (position - 1) % maxActive
  local round = math.floor((position - 1) / maxActive)
  local admission = place + live - maxActive
  if admission < 0 then
    return round == 0 and 0 or now + round * ttl
  end
  local ends = redis.call('ZRANGE', KEYS[4], ended + admission, ended + admission, 'WITHSCORES')
  return tonumber(ends[2]) + round * ttl
end

return {'WAITING', 'created', created, 'position', tostring(rank + 1), 'now', tostring(now),
  'admitsLast10s', tostring(recent), 'admitPerSecond', rate,
  'waiting', tostring(redis.call('ZCARD', KEYS[2])), 'placeFreeAt', tostring(placeFreeAt(rank + 1))}
