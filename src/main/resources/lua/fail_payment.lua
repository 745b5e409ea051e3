-- A payment attempt ends without a payment (insufficient points, voided by the recovery
-- job, or paid-and-refunded because the seats were lost): PAYING -> HELD with the hold's
-- original deadline if that is still ahead, else PAYING -> EXPIRED with the seats freed.
-- KEYS: 1 reservation hash, 2 paying zset, 3 expiry zset, 4 outbox stream,
--       5 the user's live reservations, 6.. the hold keys of the reservation's seats, then
--       per item: the inventory's hash and its holds zset
-- Seats and units an expiry frees are offered to the schedule's waiting list first (lib/waiting.lua).
-- ARGV: 1 attempt, 2 'hold' (back to HELD if possible) | 'expire' (always EXPIRED),
--       3 waiting-list context ("offerTtlMs:maxSeats:root", '' = no offers)
-- Reply: status, then 'state', 'version' of the reservation after the call (state_reply),
--        with 'offered', the offers made to waiting fans ("reservationId|user,...", '' for none), after EXPIRED:
--        'HELD' held again | 'EXPIRED' | 'NOT_PAYING' not PAYING, or in another attempt
--      | {'NOT_FOUND'}
local r = read_reservation(KEYS[1])
if not r then
  return {'NOT_FOUND'}
end
if r.state ~= 'PAYING' or r.attempt ~= ARGV[1] then
  return state_reply('NOT_PAYING', r)
end
local now = now_ms()
local holds, units = held_keys(r, 6)
redis.call('ZREM', KEYS[2], member(r))
if ARGV[2] == 'hold' and r.heldUntil > now then
  for _, hold in ipairs(holds) do
    if redis.call('GET', hold) == r.id then
      redis.call('PEXPIREAT', hold, r.heldUntil)
    end
  end
  keep_units(r, units.items, units.keys, r.heldUntil)
  redis.call('HSET', KEYS[5], r.id, live_entry(#holds, r.heldUntil, units.items))
  redis.call('ZADD', KEYS[3], r.heldUntil, member(r))
  transition(r, 'HELD', now)
  append_event(KEYS[4], r, 'PAYMENT_FAILED', r.heldUntil, now)
  return state_reply('HELD', r)
end
expire_reservation(r, {expiry = KEYS[3], outbox = KEYS[4], userLive = KEYS[5]}, holds, units, now)
return state_reply('EXPIRED', r, 'offered', wl_offer(wl_context(ARGV[3], now), wl_seats_of(r)))
