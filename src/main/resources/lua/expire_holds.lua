-- Mark HELD reservations whose deadline has passed as EXPIRED, once each, with an EXPIRED
-- event. Seat availability never waits for this: the hold keys' TTL already freed the seats.
-- KEYS: 1 expiry zset, 2 outbox stream, then per candidate: reservation hash, user's live reservations
-- ARGV: 1 schedule id, then per candidate: the expiry member ("reservationId|user")
-- Reply: the expiry members ("reservationId|user") of the reservations expired now
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = {}
for i = 2, #ARGV do
  local member = ARGV[i]
  local hash, live = KEYS[2 * i - 1], KEYS[2 * i]
  local deadline = redis.call('ZSCORE', KEYS[1], member)
  if deadline and tonumber(deadline) <= now then
    local r = redis.call('HMGET', hash, 'id', 'userId', 'state', 'version', 'seatIds', 'amount')
    if r[3] == 'HELD' then
      local next = tonumber(r[4]) + 1
      redis.call('HSET', hash, 'state', 'EXPIRED', 'version', tostring(next), 'h' .. next, 'EXPIRED|' .. now)
      redis.call('HDEL', live, r[1])
      redis.call('XADD', KEYS[2], '*', 'eventId', r[1] .. ':' .. next, 'type', 'EXPIRED', 'reservationId', r[1],
        'scheduleId', ARGV[1], 'userId', r[2], 'seatIds', r[5], 'amount', r[6], 'state', 'EXPIRED',
        'version', tostring(next), 'at', tostring(now))
      expired[#expired + 1] = member
      redis.call('ZREM', KEYS[1], member)
    else
      -- gone, paying (the payment recovery job owns it) or moved on: nothing to expire
      redis.call('ZREM', KEYS[1], member)
    end
  end
end
return expired
