-- Hold seats and units of quantity inventories for one user, all or nothing, and record the
-- HELD reservation. Every check comes before the first change of a seat, unit or
-- reservation; a failed check changes nothing but returning lapsed holds' units to their
-- inventories (which any reader would do).
-- Seat spinning: first of all, a user whose holds on this schedule lapsed or were released
-- unpaid max-lapsed times within the lapse window (the user's lapses zset; lapsed holds the
-- reaper has not marked yet are added to it here, by the same member, so none counts twice)
-- is refused until the oldest of those that matter leaves the window.
-- KEYS: 1 seats (catalog: seat id -> price), 2 sold (seat id -> reservation id),
--       3 expiry (zset "reservationId|user" -> held-until ms), 4 outbox stream,
--       5 the new reservation's hash, 6 the user's live reservations (units.lua: live_entry),
--       7 the user's lapses (reservation id -> ms it lapsed or was released),
--       8.. one hold key per seat, in ARGV order, then per item: the inventory's hash and
--       its holds zset
-- Waiting list (lib/waiting.lua): while fans wait on this schedule, after the catalog checks
-- and before any availability check, the lapsed holds the reaper has not marked yet (up to
-- 100) are expired here (EXPIRED event, lapse recorded, as the reaper would) and what they
-- freed, together with the asked-for seats that are free, is offered to the waiting fans
-- first; a seat or unit offered is then taken for this hold (UNAVAILABLE).
-- ARGV: 1 user, 2 reservation id, 3 schedule id, 4 hold TTL ms, 5 max seats per user,
--       6 items "inventoryId:units,..." ('' for none; one entry per inventory),
--       7 max lapsed holds (0 = no cooldown), 8 lapse window ms,
--       9 waiting-list context ("offerTtlMs:maxSeats:root", '' = no offers), 10.. seat ids
-- Reply: {'HELD', 'heldUntil', ms, 'amount', points, 'createdAt', ms, 'items', "id:units:price,..."}
--      | {'COOLDOWN', 'lapsed', n, 'retryAfterMs', ms until the user may hold again}
--      | {'NOT_FOUND', 'seatIds', csv of the seats not in the catalog}
--      | {'INVENTORY_NOT_FOUND', 'inventoryIds', csv}
--      | {'UNAVAILABLE', 'seatIds', csv of the seats held or sold}
--      | {'INVENTORY_UNAVAILABLE', 'inventoryIds', csv of those with fewer units left than asked}
--      | {'LIMIT', 'held', seats the user already holds or bought}
--      | {'INVENTORY_LIMIT', 'inventoryIds', csv, 'held', csv of the user's units of each, 'limits', csv}
--      | {'DUPLICATE_ID'} (a reservation with this id exists: the caller retries with a new id)
local user, id, schedule = ARGV[1], ARGV[2], ARGV[3]
local ttl, limit = tonumber(ARGV[4]), tonumber(ARGV[5])
local count = #ARGV - 9
local wanted = {}
for inventory, units in string.gmatch(ARGV[6], '(%d+):(%d+)') do
  wanted[#wanted + 1] = {id = inventory, units = tonumber(units)}
end
local ukeys = unit_keys(wanted, 8 + count)

local now = now_ms()
local maxLapsed, window = tonumber(ARGV[7]), tonumber(ARGV[8])
if maxLapsed > 0 then
  local lapsed = count_lapses(KEYS[7], KEYS[6], now, window)
  if lapsed >= maxLapsed then
    local oldest = redis.call('ZRANGE', KEYS[7], lapsed - maxLapsed, lapsed - maxLapsed, 'WITHSCORES')
    return {'COOLDOWN', 'lapsed', tostring(lapsed), 'retryAfterMs', tostring(tonumber(oldest[2]) + window - now)}
  end
end

local missing = {}
local amount = 0
for i = 1, count do
  local price = redis.call('HGET', KEYS[1], ARGV[9 + i])
  if not price then
    missing[#missing + 1] = ARGV[9 + i]
  else
    amount = amount + tonumber(price)
  end
end
if #missing > 0 then
  return {'NOT_FOUND', 'seatIds', table.concat(missing, ',')}
end
for i, item in ipairs(wanted) do
  local c = redis.call('HMGET', ukeys[i].inventory, 'price', 'maxPerUser')
  if not c[1] then
    missing[#missing + 1] = item.id
  else
    item.price = tonumber(c[1])
    item.max = tonumber(c[2])
    amount = amount + item.price * item.units
  end
end
if #missing > 0 then
  return {'INVENTORY_NOT_FOUND', 'inventoryIds', table.concat(missing, ',')}
end

local w = wl_context(ARGV[9], now)
if w and redis.call('EXISTS', w.root .. ':wl') == 1 then
  local freed = {}
  for i = 1, count do
    freed[#freed + 1] = ARGV[9 + i]
  end
  for _, due in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)) do
    local rid, ruser = string.match(due, '^(.-)|(.*)$')
    local lapsed = read_reservation(w.root .. ':r:' .. rid)
    if lapsed and lapsed.state == 'HELD' and lapsed.heldUntil <= now then
      expire_reservation(lapsed, {expiry = KEYS[3], userLive = w.root .. ':u:' .. ruser, outbox = KEYS[4]}, {}, nil, now)
      record_lapse(w.root .. ':lapses:' .. ruser, lapsed.id, lapsed.heldUntil, now, window)
      for _, seat in ipairs(wl_seats_of(lapsed)) do
        freed[#freed + 1] = seat
      end
    end
    redis.call('ZREM', KEYS[3], due)
  end
  wl_offer(w, freed)
end

local taken = {}
for i = 1, count do
  if redis.call('EXISTS', KEYS[7 + i]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[9 + i]) == 1 then
    taken[#taken + 1] = ARGV[9 + i]
  end
end
if #taken > 0 then
  return {'UNAVAILABLE', 'seatIds', table.concat(taken, ',')}
end

for i, item in ipairs(wanted) do
  age_units(ukeys[i].inventory, ukeys[i].holds, now)
  if units_available(ukeys[i].inventory) < item.units then
    taken[#taken + 1] = item.id
  end
end
if #taken > 0 then
  return {'INVENTORY_UNAVAILABLE', 'inventoryIds', table.concat(taken, ',')}
end

-- live seats and units of this user: held (deadline still ahead) or bought (deadline 0)
local live = redis.call('HGETALL', KEYS[6])
local held = 0
local heldUnits = {}
local dead = {}
for i = 1, #live, 2 do
  local seats, deadline, units = read_live_entry(live[i + 1])
  if deadline == 0 or deadline > now then
    held = held + seats
    for inventory, n in pairs(units) do
      heldUnits[inventory] = (heldUnits[inventory] or 0) + n
    end
  else
    dead[#dead + 1] = live[i]
  end
end
if held + count > limit then
  return {'LIMIT', 'held', tostring(held)}
end
local over, overHeld, overLimit = {}, {}, {}
for _, item in ipairs(wanted) do
  local already = heldUnits[item.id] or 0
  if already + item.units > item.max then
    over[#over + 1] = item.id
    overHeld[#overHeld + 1] = already
    overLimit[#overLimit + 1] = item.max
  end
end
if #over > 0 then
  return {'INVENTORY_LIMIT', 'inventoryIds', table.concat(over, ','), 'held', table.concat(overHeld, ','),
    'limits', table.concat(overLimit, ',')}
end
if redis.call('EXISTS', KEYS[5]) == 1 then
  return {'DUPLICATE_ID'}
end

if #dead > 0 then
  redis.call('HDEL', KEYS[6], unpack(dead))
end
local heldUntil = now + ttl
local seatList = count > 0 and table.concat(ARGV, ',', 10, #ARGV) or ''
local itemParts = {}
for i, item in ipairs(wanted) do
  itemParts[i] = item.id .. ':' .. item.units .. ':' .. item.price
end
local r = {key = KEYS[5], id = id, scheduleId = schedule, userId = user, seatIds = seatList,
  amount = tostring(amount), state = 'HELD', version = 1, heldUntil = heldUntil, items = table.concat(itemParts, ',')}
for i = 1, count do
  redis.call('SET', KEYS[7 + i], id, 'PX', ttl)
end
for i, item in ipairs(wanted) do
  redis.call('ZADD', ukeys[i].holds, heldUntil, units_member(r, item.units))
  redis.call('HINCRBY', ukeys[i].inventory, 'held', item.units)
end
redis.call('HSET', r.key, 'id', id, 'scheduleId', schedule, 'userId', user, 'seatIds', seatList,
  'amount', r.amount, 'state', 'HELD', 'heldUntil', tostring(heldUntil), 'createdAt', tostring(now),
  'version', '1', 'items', r.items, history(1, 'HELD', now))
redis.call('ZADD', KEYS[3], heldUntil, member(r))
redis.call('HSET', KEYS[6], id, live_entry(count, heldUntil, wanted))
append_event(KEYS[4], r, 'HELD', heldUntil, now)
return {'HELD', 'heldUntil', tostring(heldUntil), 'amount', r.amount, 'createdAt', tostring(now), 'items', r.items}
