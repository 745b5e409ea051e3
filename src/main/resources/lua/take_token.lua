-- Take one token from a token bucket of the rate limiter (see lib/buckets.lua); a request
-- that finds less than one token is refused and changes nothing.
-- KEYS: 1 the bucket, one user's or one address's bucket of one endpoint class, hash-tagged
--       on its own
-- ARGV: 1 capacity (>= 1), 2 refill per second (> 0, may have decimals)
-- Reply: {'ALLOWED', 'remaining', whole tokens left, 'fullInMs', ms until the bucket is full}
--      | {'LIMITED', 'remaining', '0', 'fullInMs', ms, 'retryAfterMs', ms until one token is there}
local bucket = {key = KEYS[1], capacity = tonumber(ARGV[1]), refill = tonumber(ARGV[2])}
if take_buckets({bucket}, now_ms()) then
  return {'LIMITED', 'remaining', '0', 'fullInMs', tostring(bucket.fullInMs),
    'retryAfterMs', tostring(bucket.retryAfterMs)}
end
return {'ALLOWED', 'remaining', tostring(bucket.remaining), 'fullInMs', tostring(bucket.fullInMs)}
