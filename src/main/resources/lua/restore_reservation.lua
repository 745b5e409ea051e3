-- Rebuild one reservation in Redis from its durable record (after Redis lost it).
-- Redis wins when it already holds the same or a newer version. Holds come back with the
-- time they had left (a lapsed one comes back HELD and due, so the reaper expires it with
-- its EXPIRED event); bought seats go back to sold. A PAYING one comes back as an attempt
-- (attempt = its version) due for the payment recovery job, which settles it against the
-- payment_attempt table. No event is appended: the state is already durable.
-- A CANCELLING one is listed for the stuck-cancellation check again. Units come back like
-- seats: held ones with their deadline, bought ones to their inventory's sold count; only
-- when Redis had no copy of the reservation at all, so no unit is counted twice.
-- KEYS: 1 reservation hash, 2 expiry, 3 user's live reservations, 4 sold, 5 paying,
--       6 cancelling, 7.. hold keys, then per item: the inventory's hash and its holds zset
-- ARGV: 1 id, 2 schedule id, 3 user, 4 seat ids csv, 5 amount, 6 state, 7 version,
--       8 held-until ms, 9 updated-at ms, 10 PAYING: attempt, 11 PAYING: least ms its hold
--       keys must last, 12 PAYING: when the attempt began (ms; 0 = due at once),
--       13 items ("inventoryId:units:price,..." or ''), 14 '1' for a waiting-list offer (else ''),
--       15.. seat ids
-- Reply: {'RESTORED', 'version', version} | {'SKIPPED', 'version', the newer or equal version Redis has}
local current = redis.call('HGET', KEYS[1], 'version')
if current and tonumber(current) >= tonumber(ARGV[7]) then
  return {'SKIPPED', 'version', current}
end
local now = now_ms()
local id, user, state, heldUntil = ARGV[1], ARGV[3], ARGV[6], tonumber(ARGV[8])
local seatCount = #ARGV - 14
local items = parse_items(ARGV[13])
local ukeys = unit_keys(items, 7 + seatCount)
local fresh = not current
redis.call('HSET', KEYS[1], 'id', id, 'scheduleId', ARGV[2], 'userId', user, 'seatIds', ARGV[4],
  'amount', ARGV[5], 'state', state, 'heldUntil', tostring(heldUntil), 'createdAt', ARGV[9],
  'version', ARGV[7], 'items', ARGV[13], history(ARGV[7], state, ARGV[9]))
if ARGV[14] == '1' then
  redis.call('HSET', KEYS[1], 'offer', '1')
end
if state == 'HELD' or state == 'PAYING' then
  local left = heldUntil - now
  if state == 'PAYING' then
    left = math.max(left, tonumber(ARGV[11]))
  end
  if left > 0 then
    for i = 7, 6 + seatCount do
      redis.call('SET', KEYS[i], id, 'PX', left, 'NX')
    end
    if fresh then
      for i, item in ipairs(items) do
        if redis.call('ZADD', ukeys[i].holds, 'NX', now + left, units_member({id = id}, item.units)) == 1 then
          redis.call('HINCRBY', ukeys[i].inventory, 'held', item.units)
        end
      end
    end
  end
  if state == 'PAYING' then
    redis.call('HSET', KEYS[1], 'attempt', ARGV[10], 'payingSince', ARGV[12])
    redis.call('ZADD', KEYS[5], tonumber(ARGV[12]), member({id = id, userId = user}))
  end
  if state == 'HELD' then
    redis.call('ZADD', KEYS[2], heldUntil, member({id = id, userId = user}))
  end
  redis.call('HSET', KEYS[3], id, live_entry(seatCount, heldUntil, items))
elseif state == 'CONFIRMED' or state == 'CANCELLING' then
  for i = 15, #ARGV do
    redis.call('HSET', KEYS[4], ARGV[i], id)
  end
  if fresh then
    for i, item in ipairs(items) do
      redis.call('HINCRBY', ukeys[i].inventory, 'sold', item.units)
    end
  end
  redis.call('HSET', KEYS[3], id, live_entry(seatCount, 0, items))
  if state == 'CANCELLING' then
    redis.call('ZADD', KEYS[6], tonumber(ARGV[9]), member({id = id, userId = user}))
  end
end
return {'RESTORED', 'version', ARGV[7]}
