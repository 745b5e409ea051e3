-- Status of one or many users of one concert's waiting room, in one round trip.
-- Waiting users are marked as seen (a status call or an open stream keeps the place).
-- KEYS: 1 cfg, 2 waiting, 3 seen, 4 active, 5 admits
-- ARGV: 1 idle timeout ms, 2 default admits per second, 3 default maxActive,
--       4 default active TTL ms, 5.. users
-- Reply: {'UNKNOWN'} (no such waiting room)
--      | {'OK', 'now', ms, 'admitsLast10s', n, 'admitPerSecond', n, 'waiting', n (fans waiting
--         in the room, for poll pacing), then per user, named
--         after the user: 'state:<user>', 'WAITING' | 'ADMITTED' | 'NOT_IN_QUEUE',
--         and for WAITING 'position:<user>', n, 'placeFreeAt:<user>', ms (see below),
--         for ADMITTED 'expiresAt:<user>', ms}
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'UNKNOWN'}
end
local now = now_ms()
local cfg = redis.call('HMGET', KEYS[1], 'admitPerSecond', 'maxActive', 'activeTtlMs')
local rate = cfg[1] or ARGV[2]
local maxActive = tonumber(cfg[2] or ARGV[3])
local ttl = tonumber(cfg[3] or ARGV[4])
local recent = redis.call('ZCOUNT', KEYS[5], now - 10000, '+inf')
-- admissions that ended but were not removed yet sort first; their places are free
local ended = redis.call('ZCOUNT', KEYS[4], '-inf', now)
local live = redis.call('ZCARD', KEYS[4]) - ended

-- When a place in the room can be free for the user at this position, if admitted users
-- keep their admission to its end: of the maxActive places, in the order they come free,
-- those free now first, then each at the end of its current admission, and each again one
-- active TTL later; the position-th to come free is the user's. 0 when one is free now
-- (then only the admission rate holds the user back). Same function in enter_queue.lua.
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

local reply = {'OK', 'now', tostring(now), 'admitsLast10s', tostring(recent), 'admitPerSecond', rate,
  'waiting', tostring(redis.call('ZCARD', KEYS[2]))}
local function add(name, value)
  reply[#reply + 1] = name
  reply[#reply + 1] = value
end
local seen = {}
for i = 5, #ARGV do
  local user = ARGV[i]
  local rank = redis.call('ZRANK', KEYS[2], user)
  if rank then
    add('state:' .. user, 'WAITING')
    add('position:' .. user, tostring(rank + 1))
    add('placeFreeAt:' .. user, tostring(placeFreeAt(rank + 1)))
    seen[#seen + 1] = now
    seen[#seen + 1] = user
  else
    local expires = redis.call('ZSCORE', KEYS[4], user)
    if expires and tonumber(expires) > now then
      add('state:' .. user, 'ADMITTED')
      add('expiresAt:' .. user, expires)
    else
      add('state:' .. user, 'NOT_IN_QUEUE')
    end
  end
end
if #seen > 0 then
  redis.call('ZADD', KEYS[3], unpack(seen))
end
return reply
