-- Payment step 1: HELD -> PAYING for the owner while the hold is valid. The seats' hold
-- keys and the units' deadlines are extended to at least two payment windows from now, so a hold cannot lapse under
-- a paying user before the recovery job (which acts after one window) has settled it.
-- A HELD reservation past its deadline becomes EXPIRED here.
-- KEYS: 1 reservation hash, 2 paying zset, 3 expiry zset, 4 outbox stream,
--       5 the user's live reservations, 6.. the hold keys of the reservation's seats, then
--       per item: the inventory's hash and its holds zset
-- A lapsed hold's seats and units are offered to the schedule's waiting list first (lib/waiting.lua).
-- ARGV: 1 user, 2 payment window ms, 3 waiting-list context ("offerTtlMs:maxSeats:root", '' or
--       none = no offers)
-- Reply: status, then 'state', 'version' of the reservation after the call (state_reply):
--        'PAYING' with 'attempt' (the attempt to pass to confirm/fail) | 'CONFIRMED' paid before
--      | 'IN_PROGRESS' another attempt is paying | 'EXPIRED' the hold had lapsed or lost a seat (with
--        'offered', the offers made to waiting fans: "reservationId|user,...")
--      | 'INVALID_STATE' neither HELD, PAYING nor CONFIRMED | {'NOT_FOUND'} (none, or not the user's)
local r = read_reservation(KEYS[1])
if not r or r.userId ~= ARGV[1] then
  return {'NOT_FOUND'}
end
if r.state == 'CONFIRMED' then
  return state_reply('CONFIRMED', r)
end
if r.state == 'PAYING' then
  return state_reply('IN_PROGRESS', r)
end
if r.state ~= 'HELD' then
  return state_reply('INVALID_STATE', r)
end
local now = now_ms()
local holds, units = held_keys(r, 6)
local ours = r.heldUntil > now and units_ours(r, units.items, units.keys, now)
for _, hold in ipairs(holds) do
  if redis.call('GET', hold) ~= r.id then
    ours = false
  end
end
if not ours then
  expire_reservation(r, {expiry = KEYS[3], outbox = KEYS[4], userLive = KEYS[5]}, holds, units, now)
  return state_reply('EXPIRED', r, 'offered', wl_offer(wl_context(ARGV[3], now), wl_seats_of(r)))
end
local keep = math.max(r.heldUntil, now + 2 * tonumber(ARGV[2]))
for _, hold in ipairs(holds) do
  redis.call('PEXPIREAT', hold, keep)
end
keep_units(r, units.items, units.keys, keep)
-- the seats and units keep counting against the user's limits for as long as they stay held
redis.call('HSET', KEYS[5], r.id, live_entry(#holds, keep, units.items))
-- the attempt is the version it starts at, so a late step of an older attempt is refused
local attempt = tostring(r.version + 1)
transition(r, 'PAYING', now, 'attempt', attempt, 'payingSince', tostring(now))
redis.call('ZADD', KEYS[2], now, member(r))
-- out of the reaper's queue while paying (the recovery job owns it now); back on failure
redis.call('ZREM', KEYS[3], member(r))
append_event(KEYS[4], r, 'PAYMENT_STARTED', nil, now)
return state_reply('PAYING', r, 'attempt', attempt)
