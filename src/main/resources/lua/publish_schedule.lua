-- Put a schedule on sale: its seat catalog (seat id -> price) and its facts. Idempotent:
-- republishing writes the same values and never touches holds, sales or reservations.
-- KEYS: 1 seats, 2 meta
-- ARGV: 1 concert id, 2 cancel deadline ms (or ''), 3.. seat id, price, seat id, price, ...
-- Reply: {'OK', 'seats', number of seats in the catalog}
redis.call('HSET', KEYS[2], 'concertId', ARGV[1], 'cancelDeadline', ARGV[2])
for i = 3, #ARGV, 2000 do
  local last = math.min(i + 1999, #ARGV)
  redis.call('HSET', KEYS[1], unpack(ARGV, i, last))
end
return {'OK', 'seats', tostring(redis.call('HLEN', KEYS[1]))}
