-- The owner gives back a HELD reservation before its deadline: CANCELLED, seats free at once.
-- A HELD reservation past its deadline becomes EXPIRED here (the seats are already free).
-- KEYS: 1 reservation hash, 2 expiry zset, 3 outbox stream, 4 the user's live reservations,
--       5.. the hold keys of the reservation's seats
-- ARGV: 1 user
-- Reply: {'CANCELLED', version} | {'ALREADY', state, version} | {'EXPIRED', version}
--      | {'NOT_FOUND'} | {'INVALID_STATE', state, version}
local r = redis.call('HMGET', KEYS[1], 'id', 'userId', 'state', 'heldUntil', 'version', 'scheduleId', 'seatIds', 'amount')
local id, owner, state, heldUntil, version = r[1], r[2], r[3], tonumber(r[4]), tonumber(r[5])
if not id or owner ~= ARGV[1] then
  return {'NOT_FOUND'}
end
if state == 'CANCELLED' then
  return {'ALREADY', state, tostring(version)}
end
if state ~= 'HELD' then
  return {'INVALID_STATE', state, tostring(version)}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local next = version + 1
local outcome = 'CANCELLED'
local eventType = 'RELEASED'
if heldUntil <= now then
  outcome = 'EXPIRED'
  eventType = 'EXPIRED'
end
for i = 5, #KEYS do
  if redis.call('GET', KEYS[i]) == id then
    redis.call('DEL', KEYS[i])
  end
end
redis.call('HSET', KEYS[1], 'state', outcome, 'version', tostring(next), 'h' .. next, outcome .. '|' .. now)
redis.call('ZREM', KEYS[2], id .. '|' .. owner)
redis.call('HDEL', KEYS[4], id)
redis.call('XADD', KEYS[3], '*', 'eventId', id .. ':' .. next, 'type', eventType, 'reservationId', id,
  'scheduleId', r[6], 'userId', owner, 'seatIds', r[7], 'amount', r[8], 'state', outcome,
  'version', tostring(next), 'at', tostring(now))
return {outcome, tostring(next)}
