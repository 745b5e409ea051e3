-- The owner gives back a HELD reservation before its deadline: CANCELLED, seats and units
-- free at once.
-- A HELD reservation past its deadline becomes EXPIRED here (the seats are already free).
-- Either way the hold ended unpaid: it is recorded in the user's lapses (seat spinning, see
-- hold_seats.lua).
-- KEYS: 1 reservation hash, 2 expiry zset, 3 outbox stream, 4 the user's live reservations,
--       5 the user's lapses, 6.. the hold keys of the reservation's seats, then per item: the
--       inventory's hash and its holds zset
-- What it frees is offered to the schedule's waiting list first (lib/waiting.lua).
-- ARGV: 1 user, 2 lapse window ms (0 = lapses are not recorded), 3 waiting-list context
--       ("offerTtlMs:maxSeats:root", '' = no offers)
-- Reply: status, then 'state', 'version' of the reservation after the call (state_reply),
--        with 'offered', the offers made to waiting fans ("reservationId|user,...", '' for none), after CANCELLED and EXPIRED:
--        'CANCELLED' released now | 'ALREADY' cancelled before | 'EXPIRED' the hold had lapsed
--      | 'INVALID_STATE' not HELD | {'NOT_FOUND'} (none, or not the user's)
local r = read_reservation(KEYS[1])
if not r or r.userId ~= ARGV[1] then
  return {'NOT_FOUND'}
end
if r.state == 'CANCELLED' then
  return state_reply('ALREADY', r)
end
if r.state ~= 'HELD' then
  return state_reply('INVALID_STATE', r)
end
local now = now_ms()
local k = {expiry = KEYS[2], outbox = KEYS[3], userLive = KEYS[4]}
local holds, units = held_keys(r, 6)
if r.heldUntil <= now then
  expire_reservation(r, k, holds, units, now)
  record_lapse(KEYS[5], r.id, r.heldUntil, now, tonumber(ARGV[2]))
  return state_reply('EXPIRED', r, 'offered', wl_offer(wl_context(ARGV[3], now), wl_seats_of(r)))
end
end_reservation(r, k, holds, units, 'CANCELLED', 'RELEASED', now)
record_lapse(KEYS[5], r.id, now, now, tonumber(ARGV[2]))
return state_reply('CANCELLED', r, 'offered', wl_offer(wl_context(ARGV[3], now), wl_seats_of(r)))
