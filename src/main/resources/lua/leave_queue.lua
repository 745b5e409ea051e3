-- Leave a concert's waiting room: drop the place, or free the active slot.
-- KEYS: 1 waiting, 2 seen, 3 active
-- ARGV: 1 user
-- Reply: {'OK', 'removed', number of structures the user was removed from (0 = was not there)}
local user = ARGV[1]
local removed = redis.call('ZREM', KEYS[1], user) + redis.call('ZREM', KEYS[2], user) + redis.call('ZREM', KEYS[3], user)
return {'OK', 'removed', tostring(removed)}
