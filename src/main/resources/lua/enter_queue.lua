-- Enter a concert's waiting room, or find the place the user already has.
-- A user who has neither place nor admission takes a new place only while fewer than the cap
-- of distinct users entered this room from the same client address in the last minute
-- (the user counts once a minute however often it enters); over it nothing changes.
-- Every entry first takes a token from the user's and the client address's entry buckets of
-- this room (lib/buckets.lua; both or neither): over either, nothing changes. They live under
-- the room's hash tag, so the limit costs no call of its own.
-- KEYS: 1 cfg, 2 waiting (user -> sequence), 3 seen (user -> last seen ms),
--       4 active (user -> expiry ms), 5 sequence counter, 6 admits (admission no -> ms),
--       7 entries from the client's address (user -> ms of its first entry in the last minute),
--       8 the user's entry bucket, 9 the address's entry bucket
-- ARGV: 1 user, 2 default admits per second, 3 default maxActive, 4 default active TTL ms,
--       5 most distinct users entering per address per minute (0 = no cap),
--       6 user bucket capacity, 7 its refill per second, 8 address bucket capacity, 9 its refill
--       (a 0 in either number turns that bucket off)
-- Reply: {'UNKNOWN'} (no such waiting room)
--      | {'RATE_LIMITED', 'bucket', 'user' or 'address', 'retryAfterMs', ms, <buckets>}
--      | {'ADDRESS_LIMIT', 'retryAfterMs', ms until the address may bring a new user}
--      | {'ADMITTED', 'created', '0', 'expiresAt', ms, <buckets>}
--      | {'WAITING', 'created', '1' (a new place) or '0', 'position', n, 'now', ms,
--         'admitsLast10s', n, 'admitPerSecond', n, 'waiting', n (fans waiting in the room),
--         'placeFreeAt', ms (as in queue_status.lua), <buckets>}
-- <buckets>: for each bucket on, 'userRemaining'/'addressRemaining' (whole tokens left) and
--   'userFullInMs'/'addressFullInMs' (ms until full)
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'UNKNOWN'}
end
local now = now_ms()
local user = ARGV[1]

local buckets = {}
local function bucket(name, key, capacity, refill)
  if tonumber(capacity) > 0 and tonumber(refill) > 0 then
    buckets[#buckets + 1] = {name = name, key = key, capacity = tonumber(capacity), refill = tonumber(refill)}
  end
end
bucket('user', KEYS[8], ARGV[6], ARGV[7])
bucket('address', KEYS[9], ARGV[8], ARGV[9])
-- the reply's fields, then the buckets' state
local function reply(fields)
  for _, b in ipairs(buckets) do
    fields[#fields + 1] = b.name .. 'Remaining'
    fields[#fields + 1] = tostring(b.remaining)
    fields[#fields + 1] = b.name .. 'FullInMs'
    fields[#fields + 1] = tostring(b.fullInMs)
  end
  return fields
end

local expires = redis.call('ZSCORE', KEYS[4], user)
local admitted = expires and tonumber(expires) > now
local rank = nil
local capRetryMs = nil
if not admitted then
  rank = redis.call('ZRANK', KEYS[2], user)
  local cap = tonumber(ARGV[5])
  if not rank and cap > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', now - 60000)
    if not redis.call('ZSCORE', KEYS[7], user) and redis.call('ZCARD', KEYS[7]) >= cap then
      local oldest = redis.call('ZRANGE', KEYS[7], 0, 0, 'WITHSCORES')
      capRetryMs = tonumber(oldest[2]) + 60000 - now
    end
  end
end

-- a refused entry takes no token: the cap looks at the buckets without taking
local limited = take_buckets(buckets, now, capRetryMs ~= nil)
if limited then
  return reply({'RATE_LIMITED', 'bucket', limited.name, 'retryAfterMs', tostring(limited.retryAfterMs)})
end
if capRetryMs then
  return reply({'ADDRESS_LIMIT', 'retryAfterMs', tostring(capRetryMs)})
end
if admitted then
  return reply({'ADMITTED', 'created', '0', 'expiresAt', expires})
end

local created = '0'
if not rank then
  if tonumber(ARGV[5]) > 0 and not redis.call('ZSCORE', KEYS[7], user) then
    redis.call('ZADD', KEYS[7], now, user)
    redis.call('PEXPIRE', KEYS[7], 60000)
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

return reply({'WAITING', 'created', created, 'position', tostring(rank + 1), 'now', tostring(now),
  'admitsLast10s', tostring(recent), 'admitPerSecond', rate,
  'waiting', tostring(redis.call('ZCARD', KEYS[2])), 'placeFreeAt', tostring(placeFreeAt(rank + 1))})
