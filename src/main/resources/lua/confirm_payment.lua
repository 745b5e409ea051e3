-- Payment step 3: PAYING -> CONFIRMED once the payment committed in PostgreSQL. The seats
-- move from their hold keys to the schedule's sold hash. A seat still counts as ours if its
-- hold key is ours, or gone while nobody else holds or bought it; if another reservation
-- has it, nothing changes and the caller refunds (SEATS_LOST).
-- KEYS: 1 reservation hash, 2 paying zset, 3 expiry zset, 4 sold hash, 5 outbox stream,
--       6 the user's live reservations, 7.. the hold keys of the reservation's seats (seatIds order)
-- ARGV: 1 attempt
-- Reply: {'CONFIRMED', version} | {'ALREADY', state, version} | {'SEATS_LOST', version}
--      | {'INVALID_STATE', state, version} | {'NOT_FOUND'}
local r = redis.call('HMGET', KEYS[1], 'id', 'userId', 'state', 'version', 'attempt', 'scheduleId', 'seatIds', 'amount')
local id, owner, state, version = r[1], r[2], r[3], tonumber(r[4])
if not id then
  return {'NOT_FOUND'}
end
if r[5] == ARGV[1] and (state == 'CONFIRMED' or state == 'CANCELLING' or state == 'CANCELLED') then
  return {'ALREADY', state, tostring(version)}
end
if state ~= 'PAYING' or r[5] ~= ARGV[1] then
  return {'INVALID_STATE', state, tostring(version)}
end
local seats = {}
for seat in string.gmatch(r[7], '%d+') do
  seats[#seats + 1] = seat
end
for i = 1, #seats do
  local holder = redis.call('GET', KEYS[6 + i])
  local buyer = redis.call('HGET', KEYS[4], seats[i])
  if (holder and holder ~= id) or (buyer and buyer ~= id) then
    return {'SEATS_LOST', tostring(version)}
  end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local next = version + 1
for i = 1, #seats do
  redis.call('HSET', KEYS[4], seats[i], id)
  redis.call('DEL', KEYS[6 + i])
end
redis.call('HSET', KEYS[1], 'state', 'CONFIRMED', 'version', tostring(next), 'h' .. next, 'CONFIRMED|' .. now)
redis.call('ZREM', KEYS[2], id .. '|' .. owner)
redis.call('ZREM', KEYS[3], id .. '|' .. owner)
redis.call('HSET', KEYS[6], id, #seats .. ':0')
redis.call('XADD', KEYS[5], '*', 'eventId', id .. ':' .. next, 'type', 'CONFIRMED', 'reservationId', id,
  'scheduleId', r[6], 'userId', owner, 'seatIds', r[7], 'amount', r[8], 'state', 'CONFIRMED',
  'version', tostring(next), 'at', tostring(now))
return {'CONFIRMED', tostring(next)}
