-- Put a quantity inventory on sale: its facts, and zero counts the first time only.
-- Idempotent: republishing (at start-up, after a rebuild) never touches held or sold units.
-- KEYS: 1 the schedule's inventory ids (set), 2 the inventory's hash
-- ARGV: 1 inventory id, 2 name, 3 quantity, 4 price, 5 most units per user
-- Reply: 1
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'name', ARGV[2], 'quantity', ARGV[3], 'price', ARGV[4], 'maxPerUser', ARGV[5])
redis.call('HSETNX', KEYS[2], 'held', '0')
redis.call('HSETNX', KEYS[2], 'sold', '0')
return 1
