-- Where a fan stands on a schedule's waiting list, or the reservation offered to them.
-- KEYS: 1 wl, 2 wl:req, 3 wl:offers
-- ARGV: 1 user
-- Reply: {'WAITING', 'position', p, 'joinedAt', ms, 'seats', n (0 for units), 'inventoryId', id (0 for seats),
--         'quantity', units (0 for seats), 'waiting', fans in the list}
--      | {'OFFERED', 'reservationId', id} (offered, and not waiting again)
--      | {'NOT_IN_LIST'}
local text = redis.call('HGET', KEYS[2], ARGV[1])
if text then
  local req = wl_parse_request(text)
  return {'WAITING', 'position', tostring(redis.call('ZRANK', KEYS[1], ARGV[1]) + 1), 'joinedAt', tostring(req.joinedAt),
    'seats', tostring(req.seats or 0), 'inventoryId', req.inventory or '0', 'quantity', tostring(req.units or 0),
    'waiting', tostring(redis.call('ZCARD', KEYS[1]))}
end
local offer = redis.call('HGET', KEYS[3], ARGV[1])
if offer then
  return {'OFFERED', 'reservationId', offer}
end
return {'NOT_IN_LIST'}
