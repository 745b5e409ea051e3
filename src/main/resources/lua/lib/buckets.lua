-- Token buckets of the rate limiter. A bucket holds at most `capacity` tokens and gains
-- `refill` tokens a second, continuously, by Redis time; its key is a hash (tokens, at = ms of
-- the last take) and an absent key is a full bucket. The key expires once the bucket would be
-- full again, so idle users and addresses cost no memory.

-- Takes one token from every bucket of `buckets` ({key =, capacity =, refill = per second}),
-- or from none: when any has less than one token, nothing changes and the one that frees last
-- is returned (its retryAfterMs set); nil when all had one (and, unless `only_look`, all were
-- taken). Either way each bucket gets remaining (whole tokens left) and fullInMs (ms until it
-- is full), for the RateLimit headers.
local function take_buckets(buckets, now, only_look)
  local limited = nil
  for _, b in ipairs(buckets) do
    b.perMs = b.refill / 1000
    local state = redis.call('HMGET', b.key, 'tokens', 'at')
    b.tokens = b.capacity
    if state[1] then
      b.tokens = math.min(b.capacity, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * b.perMs)
    end
    if b.tokens < 1 then
      b.retryAfterMs = math.ceil((1 - b.tokens) / b.perMs)
      if not limited or b.retryAfterMs > limited.retryAfterMs then
        limited = b
      end
    end
  end
  local take = not limited and not only_look
  for _, b in ipairs(buckets) do
    if take then
      b.tokens = b.tokens - 1
    end
    b.remaining = math.floor(b.tokens)
    b.fullInMs = math.ceil((b.capacity - b.tokens) / b.perMs)
    if take then
      redis.call('HSET', b.key, 'tokens', tostring(b.tokens), 'at', tostring(now))
      redis.call('PEXPIRE', b.key, b.fullInMs + 1000)
    end
  end
  return limited
end
