-- Mark HELD reservations whose deadline has passed as EXPIRED, once each, with an EXPIRED
-- event. Seat availability never waits for this: the hold keys' TTL already freed the seats.
-- Each hold expired here is recorded in its user's lapses (seat spinning, see hold_seats.lua).
-- KEYS: 1 expiry zset, 2 outbox stream, then per candidate: reservation hash, user's live
--       reservations, user's lapses
-- The seats and units they held (free since their deadline) are then offered to the
-- schedule's waiting list, all in one round (lib/waiting.lua), before anyone else may take them.
-- ARGV: 1 schedule id (unused: events take it from the reservation), 2 lapse window ms (0 = lapses
--       are not recorded), 3 waiting-list context ("offerTtlMs:maxSeats:root", '' = no offers),
--       then per candidate: the expiry member ("reservationId|user")
-- Reply: {'DONE', then reservation id, user, reservation id, user, ... of each reservation
--        expired now} (a reservation id is never a field name of another reply), then, when the
--        waiting list was offered what they freed: 'offered', "reservationId|user,..."
local now = now_ms()
local expired = {'DONE'}
local window = tonumber(ARGV[2])
local freed = {}
for i = 4, #ARGV do
  local candidate = ARGV[i]
  local first = 3 * (i - 4) + 3
  local deadline = redis.call('ZSCORE', KEYS[1], candidate)
  if deadline and tonumber(deadline) <= now then
    local r = read_reservation(KEYS[first])
    if r and r.state == 'HELD' then
      -- the hold keys' TTL freed the seats already, and the units' deadline returns them to
      -- whoever touches their inventory next: no hold keys or inventories to pass
      expire_reservation(r, {expiry = KEYS[1], userLive = KEYS[first + 1], outbox = KEYS[2]}, {}, nil, now)
      record_lapse(KEYS[first + 2], r.id, r.heldUntil, now, window)
      expired[#expired + 1] = r.id
      expired[#expired + 1] = r.userId
      for _, seat in ipairs(wl_seats_of(r)) do
        freed[#freed + 1] = seat
      end
    end
    -- gone, paying (the payment recovery job owns it) or moved on: nothing to expire
    redis.call('ZREM', KEYS[1], candidate)
  end
end
local offered = wl_offer(wl_context(ARGV[3], now), freed)
if offered ~= '' then
  expired[#expired + 1] = 'offered'
  expired[#expired + 1] = offered
end
return expired
