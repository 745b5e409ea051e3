-- A payment attempt ends without a payment (insufficient points, voided by the recovery
-- job, or paid-and-refunded because the seats were lost): PAYING -> HELD with the hold's
-- original deadline if that is still ahead, else PAYING -> EXPIRED with the seats freed.
-- KEYS: 1 reservation hash, 2 paying zset, 3 expiry zset, 4 outbox stream,
--       5 the user's live reservations, 6.. the hold keys of the reservation's seats
-- ARGV: 1 attempt, 2 'hold' (back to HELD if possible) | 'expire' (always EXPIRED)
-- Reply: {'HELD', version} | {'EXPIRED', version} | {'NOT_PAYING', state, version} | {'NOT_FOUND'}
local r = redis.call('HMGET', KEYS[1], 'id', 'userId', 'state', 'heldUntil', 'version', 'attempt', 'scheduleId', 'seatIds', 'amount')
local id, owner, state, heldUntil, version = r[1], r[2], r[3], tonumber(r[4]), tonumber(r[5])
if not id then
  return {'NOT_FOUND'}
end
if state ~= 'PAYING' or r[6] ~= ARGV[1] then
  return {'NOT_PAYING', state, tostring(version)}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local next = version + 1
redis.call('ZREM', KEYS[2], id .. '|' .. owner)
if ARGV[2] == 'hold' and heldUntil > now then
  for i = 6, #KEYS do
    if redis.call('GET', KEYS[i]) == id then
      redis.call('PEXPIREAT', KEYS[i], heldUntil)
    end
  end
  redis.call('HSET', KEYS[5], id, (#KEYS - 5) .. ':' .. heldUntil)
  redis.call('ZADD', KEYS[3], heldUntil, id .. '|' .. owner)
  redis.call('HSET', KEYS[1], 'state', 'HELD', 'version', tostring(next), 'h' .. next, 'HELD|' .. now)
  redis.call('XADD', KEYS[4], '*', 'eventId', id .. ':' .. next, 'type', 'PAYMENT_FAILED', 'reservationId', id,
    'scheduleId', r[7], 'userId', owner, 'seatIds', r[8], 'amount', r[9], 'state', 'HELD',
    'version', tostring(next), 'heldUntil', tostring(heldUntil), 'at', tostring(now))
  return {'HELD', tostring(next)}
end
for i = 6, #KEYS do
  if redis.call('GET', KEYS[i]) == id then
    redis.call('DEL', KEYS[i])
  end
end
redis.call('HSET', KEYS[1], 'state', 'EXPIRED', 'version', tostring(next), 'h' .. next, 'EXPIRED|' .. now)
redis.call('ZREM', KEYS[3], id .. '|' .. owner)
redis.call('HDEL', KEYS[5], id)
redis.call('XADD', KEYS[4], '*', 'eventId', id .. ':' .. next, 'type', 'EXPIRED', 'reservationId', id,
  'scheduleId', r[7], 'userId', owner, 'seatIds', r[8], 'amount', r[9], 'state', 'EXPIRED',
  'version', tostring(next), 'at', tostring(now))
return {'EXPIRED', tostring(next)}
