-- Payment step 1: HELD -> PAYING for the owner while the hold is valid. The seats' hold
-- keys are extended to at least two payment windows from now, so a hold cannot lapse under
-- a paying user before the recovery job (which acts after one window) has settled it.
-- A HELD reservation past its deadline becomes EXPIRED here.
-- KEYS: 1 reservation hash, 2 paying zset, 3 expiry zset, 4 outbox stream,
--       5 the user's live reservations, 6.. the hold keys of the reservation's seats
-- ARGV: 1 user, 2 payment window ms
-- Reply: {'PAYING', attempt} | {'CONFIRMED', version} | {'IN_PROGRESS', version}
--      | {'EXPIRED', version} | {'INVALID_STATE', state, version} | {'NOT_FOUND'}
local r = redis.call('HMGET', KEYS[1], 'id', 'userId', 'state', 'heldUntil', 'version', 'scheduleId', 'seatIds', 'amount')
local id, owner, state, heldUntil, version = r[1], r[2], r[3], tonumber(r[4]), tonumber(r[5])
if not id or owner ~= ARGV[1] then
  return {'NOT_FOUND'}
end
if state == 'CONFIRMED' then
  return {'CONFIRMED', tostring(version)}
end
if state == 'PAYING' then
  return {'IN_PROGRESS', tostring(version)}
end
if state ~= 'HELD' then
  return {'INVALID_STATE', state, tostring(version)}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local next = version + 1
local ours = heldUntil > now
for i = 6, #KEYS do
  if redis.call('GET', KEYS[i]) ~= id then
    ours = false
  end
end
if not ours then
  for i = 6, #KEYS do
    if redis.call('GET', KEYS[i]) == id then
      redis.call('DEL', KEYS[i])
    end
  end
  redis.call('HSET', KEYS[1], 'state', 'EXPIRED', 'version', tostring(next), 'h' .. next, 'EXPIRED|' .. now)
  redis.call('ZREM', KEYS[3], id .. '|' .. owner)
  redis.call('HDEL', KEYS[5], id)
  redis.call('XADD', KEYS[4], '*', 'eventId', id .. ':' .. next, 'type', 'EXPIRED', 'reservationId', id,
    'scheduleId', r[6], 'userId', owner, 'seatIds', r[7], 'amount', r[8], 'state', 'EXPIRED',
    'version', tostring(next), 'at', tostring(now))
  return {'EXPIRED', tostring(next)}
end
local keep = math.max(heldUntil, now + 2 * tonumber(ARGV[2]))
for i = 6, #KEYS do
  redis.call('PEXPIREAT', KEYS[i], keep)
end
-- the seats keep counting against the user's limit for as long as they stay held
redis.call('HSET', KEYS[5], id, (#KEYS - 5) .. ':' .. keep)
redis.call('HSET', KEYS[1], 'state', 'PAYING', 'version', tostring(next), 'attempt', tostring(next),
  'payingSince', tostring(now), 'h' .. next, 'PAYING|' .. now)
redis.call('ZADD', KEYS[2], now, id .. '|' .. owner)
-- out of the reaper's queue while paying (the recovery job owns it now); back on failure
redis.call('ZREM', KEYS[3], id .. '|' .. owner)
redis.call('XADD', KEYS[4], '*', 'eventId', id .. ':' .. next, 'type', 'PAYMENT_STARTED', 'reservationId', id,
  'scheduleId', r[6], 'userId', owner, 'seatIds', r[7], 'amount', r[8], 'state', 'PAYING',
  'version', tostring(next), 'at', tostring(now))
return {'PAYING', tostring(next)}
