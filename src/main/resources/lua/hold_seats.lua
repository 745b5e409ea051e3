-- Hold several seats for one user, all or nothing, and record the HELD reservation.
-- Every check comes before the first write; a failed check changes nothing.
-- KEYS: 1 seats (catalog: seat id -> price), 2 sold (seat id -> reservation id),
--       3 expiry (zset "reservationId|user" -> held-until ms), 4 outbox stream,
--       5 the new reservation's hash, 6 the user's live reservations (id -> "seats:deadline"),
--       7.. one hold key per seat, in ARGV order
-- ARGV: 1 user, 2 reservation id, 3 schedule id, 4 hold TTL ms, 5 max seats per user,
--       6.. seat ids
-- Reply: {'HELD', 'heldUntil', ms, 'amount', points, 'createdAt', ms}
--      | {'NOT_FOUND', 'seatIds', csv of the seats not in the catalog}
--      | {'UNAVAILABLE', 'seatIds', csv of the seats held or sold}
--      | {'LIMIT', 'held', seats the user already holds or bought}
--      | {'DUPLICATE_ID'} (a reservation with this id exists: the caller retries with a new id)
local user, id, schedule = ARGV[1], ARGV[2], ARGV[3]
local ttl, limit = tonumber(ARGV[4]), tonumber(ARGV[5])
local count = #ARGV - 5

local missing = {}
local amount = 0
for i = 1, count do
  local price = redis.call('HGET', KEYS[1], ARGV[5 + i])
  if not price then
    missing[#missing + 1] = ARGV[5 + i]
  else
    amount = amount + tonumber(price)
  end
end
if #missing > 0 then
  return {'NOT_FOUND', 'seatIds', table.concat(missing, ',')}
end

local taken = {}
for i = 1, count do
  if redis.call('EXISTS', KEYS[6 + i]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[5 + i]) == 1 then
    taken[#taken + 1] = ARGV[5 + i]
  end
end
if #taken > 0 then
  return {'UNAVAILABLE', 'seatIds', table.concat(taken, ',')}
end

local now = now_ms()

-- live seats of this user: held (deadline still ahead) or bought (deadline 0)
local live = redis.call('HGETALL', KEYS[6])
local held = 0
local dead = {}
for i = 1, #live, 2 do
  local seats, deadline = string.match(live[i + 1], '^(%d+):(%d+)$')
  deadline = tonumber(deadline)
  if deadline == 0 or deadline > now then
    held = held + tonumber(seats)
  else
    dead[#dead + 1] = live[i]
  end
end
if held + count > limit then
  return {'LIMIT', 'held', tostring(held)}
end
if redis.call('EXISTS', KEYS[5]) == 1 then
  return {'DUPLICATE_ID'}
end

if #dead > 0 then
  redis.call('HDEL', KEYS[6], unpack(dead))
end
local heldUntil = now + ttl
local seatList = table.concat(ARGV, ',', 6, #ARGV)
for i = 1, count do
  redis.call('SET', KEYS[6 + i], id, 'PX', ttl)
end
local r = {key = KEYS[5], id = id, scheduleId = schedule, userId = user, seatIds = seatList,
  amount = tostring(amount), state = 'HELD', version = 1, heldUntil = heldUntil}
redis.call('HSET', r.key, 'id', id, 'scheduleId', schedule, 'userId', user, 'seatIds', seatList,
  'amount', r.amount, 'state', 'HELD', 'heldUntil', tostring(heldUntil), 'createdAt', tostring(now),
  'version', '1', history(1, 'HELD', now))
redis.call('ZADD', KEYS[3], heldUntil, member(r))
redis.call('HSET', KEYS[6], id, count .. ':' .. heldUntil)
append_event(KEYS[4], r, 'HELD', heldUntil, now)
return {'HELD', 'heldUntil', tostring(heldUntil), 'amount', r.amount, 'createdAt', tostring(now)}
