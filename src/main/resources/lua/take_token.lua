-- Take one token from a token bucket (the rate limiter). The bucket holds at most `capacity`
-- tokens and gains `refill` tokens a second, continuously, by Redis time; a request that finds
-- less than one token is refused and changes nothing. An absent bucket is full. The key expires
-- once the bucket would be full again, so idle users and addresses cost no memory.
-- KEYS: 1 the bucket (hash: tokens, at = ms of the last take), one user's or one address's
--       bucket of one endpoint class, hash-tagged on its own
-- ARGV: 1 capacity (>= 1), 2 refill per second (> 0, may have decimals)
-- Reply: {'ALLOWED', 'remaining', whole tokens left, 'fullInMs', ms until the bucket is full}
--      | {'LIMITED', 'remaining', '0', 'fullInMs', ms, 'retryAfterMs', ms until one token is there}
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2]) / 1000
local now = now_ms()
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
if bucket[1] then
  tokens = math.min(capacity, tonumber(bucket[1]) + math.max(0, now - tonumber(bucket[2])) * perMs)
end
if tokens < 1 then
  return {'LIMITED', 'remaining', '0', 'fullInMs', tostring(math.ceil((capacity - tokens) / perMs)),
    'retryAfterMs', tostring(math.ceil((1 - tokens) / perMs))}
end
tokens = tokens - 1
local fullIn = math.ceil((capacity - tokens) / perMs)
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], fullIn + 1000)
return {'ALLOWED', 'remaining', tostring(math.floor(tokens)), 'fullInMs', tostring(fullIn)}
