-- A fan leaves a schedule's waiting list (an offer already made stays theirs).
-- The WAITING_LEFT event goes to the schedule's outbox.
-- KEYS: 1 wl, 2 wl:req, 3 wl:wants, 4 outbox
-- ARGV: 1 user, 2 the schedule's key root
-- Reply: {'LEFT'} | {'NOT_IN_LIST'}
if wl_remove(ARGV[2], ARGV[1], now_ms()) then
  return {'LEFT'}
end
return {'NOT_IN_LIST'}
