-- Mark HELD reservations whose deadline has passed as EXPIRED, once each, with an EXPIRED
-- event. Seat availability never waits for this: the hold keys' TTL already freed the seats.
-- KEYS: 1 expiry zset, 2 outbox stream, then per candidate: reservation hash, user's live reservations
-- ARGV: 1 schedule id (unused: events take it from the reservation), then per candidate: the expiry member ("reservationId|user")
-- Reply: {'DONE', then reservation id, user, reservation id, user, ... of each reservation
--        expired now} (a reservation id is never a field name of another reply)
local now = now_ms()
local expired = {'DONE'}
for i = 2, #ARGV do
  local candidate = ARGV[i]
  local deadline = redis.call('ZSCORE', KEYS[1], candidate)
  if deadline and tonumber(deadline) <= now then
    local r = read_reservation(KEYS[2 * i - 1])
    if r and r.state == 'HELD' then
      -- the hold keys' TTL freed the seats already, and the units' deadline returns them to
      -- whoever touches their inventory next: no hold keys or inventories to pass
      expire_reservation(r, {expiry = KEYS[1], userLive = KEYS[2 * i], outbox = KEYS[2]}, {}, nil, now)
      expired[#expired + 1] = r.id
      expired[#expired + 1] = r.userId
    end
    -- gone, paying (the payment recovery job owns it) or moved on: nothing to expire
    redis.call('ZREM', KEYS[1], candidate)
  end
end
return expired
