-- A fan joins a schedule's waiting list (lib/waiting.lua) for n seats or for units of one
-- inventory: only when what they ask for is sold out, once (joining again keeps the place).
-- Finding the free seats means looking at every seat of the catalog (one hold key and the
-- sold hash each, keys built from the root under the schedule's hash tag): the free seats
-- found, too few for this fan, are put in the pool of seats to offer.
-- KEYS: 1 wl (zset user -> join number), 2 wl:req, 3 wl:seq, 4 wl:wants, 5 wl:free, 6 wl:offers,
--       7 seats (catalog), 8 sold, 9 the user's live reservations,
--       10 outbox (the WAITING_JOINED event), 11, 12 the inventory's hash and holds zset (only for an
--       inventory request)
-- ARGV: 1 user, 2 seats wanted (0 for an inventory request), 3 inventory id ('' for seats),
--       4 units wanted, 5 max seats per user, 6 the schedule's key root
-- Reply: {'JOINED', 'position', p, 'joinedAt', ms} (a new place)
--      | {'ALREADY', 'position', p, 'joinedAt', ms} (in the list before: the same place)
--      | {'NOT_SOLD_OUT', 'available', seats or units available now (at least the wanted)}
--      | {'LIMIT', 'limit', max, 'held', seats or units the user already holds or bought}
--      | {'INVENTORY_NOT_FOUND'}
local user, seats, inventory, units, maxSeats, root = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]),
  tonumber(ARGV[5]), ARGV[6]
local now = now_ms()
local existing = redis.call('HGET', KEYS[2], user)
if existing then
  local req = wl_parse_request(existing)
  return {'ALREADY', 'position', tostring(redis.call('ZRANK', KEYS[1], user) + 1), 'joinedAt', tostring(req.joinedAt)}
end
local w = {root = root, now = now}
local heldSeats, heldUnits = wl_user_live(w, user)
local request
if inventory ~= '' then
  local c = redis.call('HMGET', KEYS[11], 'maxPerUser')
  if not c[1] then
    return {'INVENTORY_NOT_FOUND'}
  end
  local max = tonumber(c[1])
  local already = heldUnits[inventory] or 0
  if already + units > max then
    return {'LIMIT', 'limit', tostring(max), 'held', tostring(already)}
  end
  age_units(KEYS[11], KEYS[12], now)
  local available = units_available(KEYS[11])
  if available >= units then
    return {'NOT_SOLD_OUT', 'available', tostring(available)}
  end
  request = 'i:' .. inventory .. ':' .. units
else
  if heldSeats + seats > maxSeats then
    return {'LIMIT', 'limit', tostring(maxSeats), 'held', tostring(heldSeats)}
  end
  local free = {}
  for _, seat in ipairs(redis.call('HKEYS', KEYS[7])) do
    if redis.call('HEXISTS', KEYS[8], seat) == 0 and redis.call('EXISTS', root .. ':hold:' .. seat) == 0 then
      free[#free + 1] = seat
      if #free >= seats then
        return {'NOT_SOLD_OUT', 'available', tostring(#free)}
      end
    end
  end
  if #free > 0 then
    redis.call('SADD', KEYS[5], unpack(free))
  end
  request = 's:' .. seats
end
local number = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], number, user)
redis.call('HSET', KEYS[2], user, request .. ':' .. now)
append_waiting_event(KEYS[10], string.match(root, '{s:(%d+)}$'), 'WAITING_JOINED', user, number, request, now)
redis.call('HINCRBY', KEYS[4], inventory ~= '' and inventory or 'seats', 1)
redis.call('HDEL', KEYS[6], user)
return {'JOINED', 'position', tostring(redis.call('ZRANK', KEYS[1], user) + 1), 'joinedAt', tostring(now)}
