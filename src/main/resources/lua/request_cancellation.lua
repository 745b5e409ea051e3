-- The owner asks to cancel a CONFIRMED reservation before the schedule's cancel deadline:
-- CONFIRMED -> CANCELLING with a CANCEL_REQUESTED event, which the cancellation worker
-- consumes to refund and release the seats. Exactly one of many concurrent requests moves
-- it; the others see CANCELLING (or CANCELLED).
-- KEYS: 1 reservation hash, 2 schedule meta, 3 cancelling zset, 4 outbox stream
-- ARGV: 1 user
-- Reply: status, then 'state', 'version' of the reservation after the call (state_reply):
--        'CANCELLING' requested now | 'ALREADY' CANCELLING or CANCELLED before
--      | 'DEADLINE_PASSED' (still CONFIRMED) | 'INVALID_STATE' not CONFIRMED
--      | {'NOT_FOUND'} (none, or not the user's)
local r = read_reservation(KEYS[1])
if not r or r.userId ~= ARGV[1] then
  return {'NOT_FOUND'}
end
if r.state == 'CANCELLING' or r.state == 'CANCELLED' then
  return state_reply('ALREADY', r)
end
if r.state ~= 'CONFIRMED' then
  return state_reply('INVALID_STATE', r)
end
local now = now_ms()
local deadline = tonumber(redis.call('HGET', KEYS[2], 'cancelDeadline') or '')
if deadline and now >= deadline then
  return state_reply('DEADLINE_PASSED', r)
end
transition(r, 'CANCELLING', now, 'cancelRequestedAt', tostring(now))
redis.call('ZADD', KEYS[3], now, member(r))
append_event(KEYS[4], r, 'CANCEL_REQUESTED', nil, now)
return state_reply('CANCELLING', r)
