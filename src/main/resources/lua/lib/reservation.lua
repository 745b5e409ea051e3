-- A reservation hash and the formats other keys keep about it, shared by every script that
-- changes one (uses append_event from events.lua and return_units from units.lua).

local RESERVATION_FIELDS = {'id', 'scheduleId', 'userId', 'seatIds', 'amount', 'state', 'version', 'heldUntil',
  'attempt', 'items', 'offer'}

-- The reservation in hash `key`, by field name (version and heldUntil as numbers); nil if none.
local function read_reservation(key)
  local values = redis.call('HMGET', key, unpack(RESERVATION_FIELDS))
  if not values[1] then
    return nil
  end
  local r = {key = key}
  for i, field in ipairs(RESERVATION_FIELDS) do
    if values[i] then
      r[field] = values[i]
    end
  end
  r.version = tonumber(r.version)
  r.heldUntil = r.heldUntil and tonumber(r.heldUntil)
  return r
end

-- A reservation's member in the expiry, paying and cancelling sorted sets: "reservationId|user".
local function member(r)
  return r.id .. '|' .. r.userId
end

-- The history entry of one version: field h<version> = STATE|ms (Reservation.fromHash reads it).
local function history(version, state, at)
  return 'h' .. version, state .. '|' .. at
end

-- KEYS[first], KEYS[first + 1], ... (the hold keys a script gets after its fixed keys).
local function keys_from(first)
  local keys = {}
  for i = first, #KEYS do
    keys[#keys + 1] = KEYS[i]
  end
  return keys
end

-- What r holds, from KEYS[first] on: its seats' hold keys (seatIds order), then its items'
-- key pairs (units.lua), as the Java side passes them.
local function held_keys(r, first)
  local n = seat_count(r)
  local holds = {}
  for i = first, first + n - 1 do
    holds[#holds + 1] = KEYS[i]
  end
  local items = parse_items(r.items)
  return holds, {items = items, keys = unit_keys(items, first + n)}
end

-- Moves r to `state`: version + 1 with its history entry, and any extra fields (name, value,
-- ...) in the same HSET. r is updated; returns the new version.
local function transition(r, state, now, ...)
  r.version = r.version + 1
  r.state = state
  local field, entry = history(r.version, state, now)
  redis.call('HSET', r.key, 'state', state, 'version', tostring(r.version), field, entry, ...)
  return r.version
end

-- Ends a HELD or PAYING reservation without a sale (state CANCELLED or EXPIRED): the hold
-- keys it still owns are deleted (a seat someone else holds since is left alone), the units
-- it still holds go back to their inventories, it leaves the hold deadlines and the user's
-- live reservations, and its event is appended.
-- k: {expiry =, userLive =, outbox =}; holds: its hold keys (empty when their TTL freed them);
-- units: {items =, keys =} of units.lua (nil when their deadline returns them anyway).
local function end_reservation(r, k, holds, units, state, type, now)
  for _, hold in ipairs(holds) do
    if redis.call('GET', hold) == r.id then
      redis.call('DEL', hold)
    end
  end
  if units then
    return_units(r, units.items, units.keys)
  end
  transition(r, state, now)
  redis.call('ZREM', k.expiry, member(r))
  redis.call('HDEL', k.userLive, r.id)
  append_event(k.outbox, r, type, nil, now)
  return r.version
end

-- The one "expire this reservation" transition, shared by begin_payment, fail_payment,
-- release_hold and expire_holds: EXPIRED state, EXPIRED event.
local function expire_reservation(r, k, holds, units, now)
  return end_reservation(r, k, holds, units, 'EXPIRED', 'EXPIRED', now)
end

-- The reply of a script that looks at or changes a reservation, read by name in Java: the
-- status, the reservation's state and version after the call, then any extra fields
-- (name, value, ...). A script that finds no reservation replies {'NOT_FOUND'} alone.
local function state_reply(status, r, ...)
  return {status, 'state', r.state, 'version', tostring(r.version), ...}
end

-- Seat spinning: the user's lapses zset of a schedule holds each of the user's reservations
-- that ended unpaid (released, or lapsed) -> ms it ended, for `window` ms. A reservation is
-- recorded once (NX), whichever script sees its end first. window 0: nothing is recorded.
local function record_lapse(lapses, id, at, now, window)
  if window > 0 and at > now - window then
    redis.call('ZADD', lapses, 'NX', at, id)
    redis.call('PEXPIRE', lapses, window)
  end
end

-- The user's holds that ended unpaid within the window before `now`: those recorded, and the
-- lapsed ones still in the user's live reservations (the reaper has not marked them yet),
-- which are recorded here. Entries older than the window are dropped.
local function count_lapses(lapses, userLive, now, window)
  local live = redis.call('HGETALL', userLive)
  for i = 1, #live, 2 do
    local _, deadline = read_live_entry(live[i + 1])
    if deadline ~= 0 and deadline <= now then
      record_lapse(lapses, live[i], deadline, now, window)
    end
  end
  redis.call('ZREMRANGEBYSCORE', lapses, '-inf', now - window)
  return redis.call('ZCARD', lapses)
end
