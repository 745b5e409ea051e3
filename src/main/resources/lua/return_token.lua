-- Give back the token a request took from a bucket when the request was refused by another
-- bucket (the user's and the address's buckets live in different hash slots, so the limiter
-- takes them in two calls): a refused request spends nothing. An absent bucket is full
-- already; the bucket never holds more than its capacity.
-- KEYS: 1 the bucket
-- ARGV: 1 capacity
-- Reply: {'RETURNED'} | {'FULL'} (absent: nothing to give back)
local tokens = redis.call('HGET', KEYS[1], 'tokens')
if not tokens then
  return {'FULL'}
end
redis.call('HSET', KEYS[1], 'tokens', tostring(math.min(tonumber(ARGV[1]), tonumber(tokens) + 1)))
return {'RETURNED'}
