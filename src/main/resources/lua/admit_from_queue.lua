-- One admission step for one concert; every instance runs it, the limits hold in total.
-- 1. active users past their expiry are removed;
-- 2. waiting users not seen for the idle timeout lose their place (at most ARGV[5] per step);
-- 3. the head of the queue is admitted while fewer than maxActive are active and fewer than
--    admitPerSecond were admitted in the last 1000 ms (a sliding window, so no one-second
--    window anywhere ever holds more), and, within the second, at the room's pace: a token
--    bucket of admitPerSecond x burst ms / 1000 admissions (at least 1), refilled at
--    admitPerSecond, kept in cfg ('paceTokens', 'paceAt' ms), so a room admitting 1,000 a
--    second with a 200 ms burst admits at most 200 at once and then ~100 per 100 ms step,
--    not its whole second in one step (a burst of 1000 ms behaves as the window alone).
-- KEYS: 1 cfg, 2 waiting, 3 seen, 4 active, 5 admits (admission no -> ms), 6 admitted total
-- ARGV: 1 default maxActive, 2 default admitPerSecond, 3 default active TTL ms,
--       4 idle timeout ms, 5 idle removals per step, 6 burst ms
-- Reply: {'UNKNOWN'} (no such waiting room)
--      | {'OK', 'admitted', n, 'expired', n (active users past their expiry removed),
--         'idle', n (waiting users removed for idleness), 'until', ms (when the admissions
--         of this step end; 0 when it admitted nobody), then 'user:1' .. 'user:<admitted>',
--         the users this step admitted, front first}
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'UNKNOWN'}
end
local cfg = redis.call('HMGET', KEYS[1], 'maxActive', 'admitPerSecond', 'activeTtlMs')
local maxActive = tonumber(cfg[1] or ARGV[1])
local perSecond = tonumber(cfg[2] or ARGV[2])
local ttl = tonumber(cfg[3] or ARGV[3])
local now = now_ms()

local expired = redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)

local idle = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[4]), 'LIMIT', 0, tonumber(ARGV[5]))
if #idle > 0 then
  redis.call('ZREM', KEYS[2], unpack(idle))
  redis.call('ZREM', KEYS[3], unpack(idle))
end

redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - 10000)
local inLastSecond = redis.call('ZCOUNT', KEYS[5], now - 999, '+inf')
local slots = math.min(maxActive - redis.call('ZCARD', KEYS[4]), perSecond - inLastSecond)
local capacity = math.max(1, math.floor(perSecond * tonumber(ARGV[6]) / 1000))
local pace = redis.call('HMGET', KEYS[1], 'paceTokens', 'paceAt')
local tokens = capacity
if pace[1] and pace[2] then
  tokens = math.min(capacity, tonumber(pace[1]) + math.max(0, now - tonumber(pace[2])) * perSecond / 1000)
end
slots = math.min(slots, math.floor(tokens))
local admitted = 0
local users = {}
if slots > 0 then
  local head = redis.call('ZPOPMIN', KEYS[2], slots)
  for i = 1, #head, 2 do
    local user = head[i]
    redis.call('ZADD', KEYS[4], now + ttl, user)
    redis.call('ZREM', KEYS[3], user)
    local n = redis.call('INCR', KEYS[6])
    redis.call('ZADD', KEYS[5], now, n)
    admitted = admitted + 1
    users[#users + 1] = user
  end
end
redis.call('HSET', KEYS[1], 'paceTokens', tostring(tokens - admitted), 'paceAt', tostring(now))
local reply = {'OK', 'admitted', tostring(admitted), 'expired', tostring(expired), 'idle', tostring(#idle),
  'until', tostring(admitted > 0 and now + ttl or 0)}
for i = 1, #users do
  reply[#reply + 1] = 'user:' .. i
  reply[#reply + 1] = users[i]
end
return reply
