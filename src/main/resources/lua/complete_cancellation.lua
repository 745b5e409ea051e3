-- The cancellation worker, after the refund committed: CANCELLING -> CANCELLED, the seats
-- this reservation bought go back on sale, CANCELLED event. Running it again changes nothing.
-- KEYS: 1 reservation hash, 2 cancelling zset, 3 sold hash, 4 outbox stream,
--       5 the user's live reservations
-- ARGV: none
-- Reply: {'CANCELLED', version} | {'ALREADY', version} | {'INVALID_STATE', state, version} | {'NOT_FOUND'}
local r = redis.call('HMGET', KEYS[1], 'id', 'userId', 'state', 'version', 'scheduleId', 'seatIds', 'amount')
local id, owner, state, version = r[1], r[2], r[3], tonumber(r[4])
if not id then
  return {'NOT_FOUND'}
end
if state == 'CANCELLED' then
  return {'ALREADY', tostring(version)}
end
if state ~= 'CANCELLING' then
  return {'INVALID_STATE', state, tostring(version)}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local next = version + 1
for seat in string.gmatch(r[6], '%d+') do
  if redis.call('HGET', KEYS[3], seat) == id then
    redis.call('HDEL', KEYS[3], seat)
  end
end
redis.call('HSET', KEYS[1], 'state', 'CANCELLED', 'version', tostring(next), 'h' .. next, 'CANCELLED|' .. now)
redis.call('ZREM', KEYS[2], id .. '|' .. owner)
redis.call('HDEL', KEYS[5], id)
redis.call('XADD', KEYS[4], '*', 'eventId', id .. ':' .. next, 'type', 'CANCELLED', 'reservationId', id,
  'scheduleId', r[5], 'userId', owner, 'seatIds', r[6], 'amount', r[7], 'state', 'CANCELLED',
  'version', tostring(next), 'at', tostring(now))
return {'CANCELLED', tostring(next)}
