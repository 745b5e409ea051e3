-- The cancellation worker, after the refund committed: CANCELLING -> CANCELLED, the seats
-- and units this reservation bought go back on sale, CANCELLED event. Running it again
-- changes nothing.
-- KEYS: 1 reservation hash, 2 cancelling zset, 3 sold hash, 4 outbox stream,
--       5 the user's live reservations, then per item: the inventory's hash and its holds zset
-- The seats and units it puts back are offered to the schedule's waiting list first, in the
-- same script (lib/waiting.lua): a fan in line gets them as an offer before anyone can hold them.
-- ARGV: 1 waiting-list context ("offerTtlMs:maxSeats:root", '' or none = no offers)
-- Reply: status, then 'state', 'version' of the reservation after the call (state_reply),
--        with 'offered', the offers made to waiting fans ("reservationId|user,...", '' for none), after CANCELLED:
--        'CANCELLED' now | 'ALREADY' before | 'INVALID_STATE' not CANCELLING | {'NOT_FOUND'}
local r = read_reservation(KEYS[1])
if not r then
  return {'NOT_FOUND'}
end
if r.state == 'CANCELLED' then
  return state_reply('ALREADY', r)
end
if r.state ~= 'CANCELLING' then
  return state_reply('INVALID_STATE', r)
end
local now = now_ms()
for seat in string.gmatch(r.seatIds, '%d+') do
  if redis.call('HGET', KEYS[3], seat) == r.id then
    redis.call('HDEL', KEYS[3], seat)
  end
end
local items = parse_items(r.items)
for i, k in ipairs(unit_keys(items, 6)) do
  redis.call('HINCRBY', k.inventory, 'sold', -items[i].units)
end
transition(r, 'CANCELLED', now)
redis.call('ZREM', KEYS[2], member(r))
redis.call('HDEL', KEYS[5], r.id)
append_event(KEYS[4], r, 'CANCELLED', nil, now)
return state_reply('CANCELLED', r, 'offered', wl_offer(wl_context(ARGV[1], now), wl_seats_of(r)))
