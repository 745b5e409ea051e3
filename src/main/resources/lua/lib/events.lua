-- The one place that writes an outbox entry: the event schema of the README ("Reservation
-- events"). Every change of a reservation appends exactly these fields, in this order, for
-- the state the reservation is in after the change (r.state, r.version). heldUntil is only
-- on the events that start or restart a hold (HELD, PAYMENT_FAILED back to HELD); items
-- ("inventoryId:units:price,...") only on reservations that hold units of an inventory;
-- offer ('true') only on reservations a waiting list offered (waiting.lua).
local function append_event(outbox, r, type, heldUntil, now)
  local fields = {'eventId', r.id .. ':' .. r.version, 'type', type, 'reservationId', r.id,
    'scheduleId', r.scheduleId, 'userId', r.userId, 'seatIds', r.seatIds, 'amount', r.amount,
    'state', r.state, 'version', tostring(r.version)}
  if r.items and r.items ~= '' then
    fields[#fields + 1] = 'items'
    fields[#fields + 1] = r.items
  end
  if r.offer == '1' then
    fields[#fields + 1] = 'offer'
    fields[#fields + 1] = 'true'
  end
  if heldUntil then
    fields[#fields + 1] = 'heldUntil'
    fields[#fields + 1] = tostring(heldUntil)
  end
  fields[#fields + 1] = 'at'
  fields[#fields + 1] = tostring(now)
  redis.call('XADD', outbox, '*', unpack(fields))
end

-- The waiting list's events (README "Waiting list"), in the same outbox and schema: a fan
-- joined (WAITING_JOINED, state WAITING) or left the line (WAITING_LEFT, state LEFT: left, or
-- offered a reservation). reservationId "<schedule>-waiting-list" keys every event of one
-- schedule's line (one Kafka partition, in order); version = the join number; waiting =
-- "<joinNumber>:<request>" (request as waiting.lua keeps it, without the join time).
local function append_waiting_event(outbox, schedule, type, user, number, request, now)
  local state = type == 'WAITING_JOINED' and 'WAITING' or 'LEFT'
  redis.call('XADD', outbox, '*', 'eventId', schedule .. '-waiting-list:' .. number .. ':' .. state,
    'type', type, 'reservationId', schedule .. '-waiting-list', 'scheduleId', schedule, 'userId', user,
    'seatIds', '', 'amount', '0', 'state', state, 'version', tostring(number),
    'waiting', number .. ':' .. request, 'at', tostring(now))
end
