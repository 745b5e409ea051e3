-- Payment step 3: PAYING -> CONFIRMED once the payment committed in PostgreSQL. The seats
-- move from their hold keys to the schedule's sold hash. A seat still counts as ours if its
-- hold key is ours, or gone while nobody else holds or bought it; if another reservation
-- has it, nothing changes and the caller refunds (SEATS_LOST). Units move from held to sold;
-- units whose hold lapsed still count as ours while the inventory has that many left.
-- KEYS: 1 reservation hash, 2 paying zset, 3 expiry zset, 4 sold hash, 5 outbox stream,
--       6 the user's live reservations, 7.. the hold keys of the reservation's seats (seatIds order),
--       then per item: the inventory's hash and its holds zset
-- ARGV: 1 attempt
-- Reply: status, then 'state', 'version' of the reservation after the call (state_reply):
--        'CONFIRMED' | 'ALREADY' this attempt confirmed it before | 'SEATS_LOST' (still PAYING)
--      | 'INVALID_STATE' not PAYING in this attempt | {'NOT_FOUND'}
local r = read_reservation(KEYS[1])
if not r then
  return {'NOT_FOUND'}
end
if r.attempt == ARGV[1] and (r.state == 'CONFIRMED' or r.state == 'CANCELLING' or r.state == 'CANCELLED') then
  return state_reply('ALREADY', r)
end
if r.state ~= 'PAYING' or r.attempt ~= ARGV[1] then
  return state_reply('INVALID_STATE', r)
end
local seats = {}
for seat in string.gmatch(r.seatIds, '%d+') do
  seats[#seats + 1] = seat
end
for i = 1, #seats do
  local holder = redis.call('GET', KEYS[6 + i])
  local buyer = redis.call('HGET', KEYS[4], seats[i])
  if (holder and holder ~= r.id) or (buyer and buyer ~= r.id) then
    return state_reply('SEATS_LOST', r)
  end
end
local now = now_ms()
local _, units = held_keys(r, 7)
local kept = {}
for i, item in ipairs(units.items) do
  local k = units.keys[i]
  kept[i] = redis.call('ZSCORE', k.holds, units_member(r, item.units)) ~= false
  if not kept[i] then
    age_units(k.inventory, k.holds, now)
    if units_available(k.inventory) < item.units then
      return state_reply('SEATS_LOST', r)
    end
  end
end
for i = 1, #seats do
  redis.call('HSET', KEYS[4], seats[i], r.id)
  redis.call('DEL', KEYS[6 + i])
end
for i, item in ipairs(units.items) do
  local k = units.keys[i]
  if kept[i] then
    redis.call('ZREM', k.holds, units_member(r, item.units))
    redis.call('HINCRBY', k.inventory, 'held', -item.units)
  end
  redis.call('HINCRBY', k.inventory, 'sold', item.units)
end
transition(r, 'CONFIRMED', now)
redis.call('ZREM', KEYS[2], member(r))
redis.call('ZREM', KEYS[3], member(r))
redis.call('HSET', KEYS[6], r.id, live_entry(#seats, 0, units.items))
append_event(KEYS[5], r, 'CONFIRMED', nil, now)
return state_reply('CONFIRMED', r)
