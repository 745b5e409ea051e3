-- Status of every seat of a schedule, for the seat-map snapshot.
-- KEYS: 1 sold, then one hold key per seat, in ARGV order
-- ARGV: seat ids
-- Reply: one letter per seat: 'A' available, 'H' held, 'S' sold
local out = {}
for i = 1, #ARGV do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
    out[i] = 'S'
  elseif redis.call('EXISTS', KEYS[i + 1]) == 1 then
    out[i] = 'H'
  else
    out[i] = 'A'
  end
end
return table.concat(out)
