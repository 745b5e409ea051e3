-- The owner asks to cancel a CONFIRMED reservation before the schedule's cancel deadline:
-- CONFIRMED -> CANCELLING with a CANCEL_REQUESTED event, which the cancellation worker
-- consumes to refund and release the seats. Exactly one of many concurrent requests moves
-- it; the others see CANCELLING (or CANCELLED).
-- KEYS: 1 reservation hash, 2 schedule meta, 3 cancelling zset, 4 outbox stream
-- ARGV: 1 user
-- Reply: {'CANCELLING', version} | {'ALREADY', state, version} | {'DEADLINE_PASSED', version}
--      | {'INVALID_STATE', state, version} | {'NOT_FOUND'}
local r = redis.call('HMGET', KEYS[1], 'id', 'userId', 'state', 'version', 'scheduleId', 'seatIds', 'amount')
local id, owner, state, version = r[1], r[2], r[3], tonumber(r[4])
if not id or owner ~= ARGV[1] then
  return {'NOT_FOUND'}
end
if state == 'CANCELLING' or state == 'CANCELLED' then
  return {'ALREADY', state, tostring(version)}
end
if state ~= 'CONFIRMED' then
  return {'INVALID_STATE', state, tostring(version)}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local deadline = tonumber(redis.call('HGET', KEYS[2], 'cancelDeadline') or '')
if deadline and now >= deadline then
  return {'DEADLINE_PASSED', tostring(version)}
end
local next = version + 1
redis.call('HSET', KEYS[1], 'state', 'CANCELLING', 'version', tostring(next), 'cancelRequestedAt', tostring(now),
  'h' .. next, 'CANCELLING|' .. now)
redis.call('ZADD', KEYS[3], now, id .. '|' .. owner)
redis.call('XADD', KEYS[4], '*', 'eventId', id .. ':' .. next, 'type', 'CANCEL_REQUESTED', 'reservationId', id,
  'scheduleId', r[5], 'userId', owner, 'seatIds', r[6], 'amount', r[7], 'state', 'CANCELLING',
  'version', tostring(next), 'at', tostring(now))
return {'CANCELLING', tostring(next)}
