-- Status of one or many users of one concert's waiting room, in one round trip.
-- Waiting users are marked as seen (a status call or an open stream keeps the place).
-- KEYS: 1 cfg, 2 waiting, 3 seen, 4 active, 5 admits
-- ARGV: 1 idle timeout ms, 2 default admits per second, 3.. users
-- Reply: {'UNKNOWN'}
--      | {'OK', now ms, admits in last 10 s, admits per second,
--         then per user: 'W', position | 'A', expires at ms | 'N', ''}
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'UNKNOWN'}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = redis.call('HGET', KEYS[1], 'admitPerSecond') or ARGV[2]
local recent = redis.call('ZCOUNT', KEYS[5], now - 10000, '+inf')
local reply = {'OK', tostring(now), tostring(recent), rate}
local seen = {}
for i = 3, #ARGV do
  local user = ARGV[i]
  local rank = redis.call('ZRANK', KEYS[2], user)
  if rank then
    reply[#reply + 1] = 'W'
    reply[#reply + 1] = tostring(rank + 1)
    seen[#seen + 1] = now
    seen[#seen + 1] = user
  else
    local expires = redis.call('ZSCORE', KEYS[4], user)
    if expires and tonumber(expires) > now then
      reply[#reply + 1] = 'A'
      reply[#reply + 1] = expires
    else
      reply[#reply + 1] = 'N'
      reply[#reply + 1] = ''
    end
  end
end
if #seen > 0 then
  redis.call('ZADD', KEYS[3], unpack(seen))
end
return reply
