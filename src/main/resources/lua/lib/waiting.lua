-- The waiting list of a schedule (README "Waiting list"): fans who found what they wanted sold
-- out wait in join order; whatever a script frees (a release, an expiry, a failed payment's
-- expiry, a completed cancellation, a lapsed hold found by the next hold) is first offered to
-- them, in the same script, as a HELD reservation with "offer" (uses reservation.lua and
-- units.lua). The offered fan's keys are built here from the schedule's root (passed by the
-- caller as the waiting-list context): they are all under the schedule's hash tag, so the
-- script still touches one cluster slot. Java's *Keys classes name the same keys
-- (reservation.WaitingListKeys for the list's own).
-- Keys under <root>: wl (zset user -> join number), wl:req (hash user -> request, below),
-- wl:seq (join numbers), wl:wants (hash 'seats' | inventory id -> fans waiting for it),
-- wl:free (set: freed seats not offered yet), wl:offers (hash user -> reservation offered),
-- wl:sections (hash seat id -> section, for best fit), wl:ids (offer id counter).
-- A request: "s:<seats>:<joinedAt>" or "i:<inventoryId>:<units>:<joinedAt>".

-- How many fans from the front one offer round looks at.
local WL_SCAN = 1000

-- The waiting-list context of a script's argument "<offerTtlMs>:<maxSeatsPerUser>:<root>",
-- or nil when offers are off ('').
local function wl_context(arg, now)
  if not arg or arg == '' then
    return nil
  end
  local ttl, max, root = string.match(arg, '^(%d+):(%d+):(.+)$')
  return {ttl = tonumber(ttl), max = tonumber(max), root = root,
    schedule = string.match(root, '{s:(%d+)}$'), now = now}
end

local function wl_parse_request(text)
  local kind, a, b, c = string.match(text, '^(%a):(%d+):(%d+):?(%d*)$')
  if kind == 's' then
    return {seats = tonumber(a), joinedAt = tonumber(b)}
  end
  return {inventory = a, units = tonumber(b), joinedAt = tonumber(c)}
end

-- The request without its join time ("s:<seats>" or "i:<inventoryId>:<units>").
local function wl_request_only(text)
  return string.match(text, '^(.*):%d+$')
end

-- Leaves the list (offered or gone): its request no longer counts in wl:wants; the
-- WAITING_LEFT event records it.
local function wl_remove(root, user, now)
  local text = redis.call('HGET', root .. ':wl:req', user)
  if not text then
    return false
  end
  local number = redis.call('ZSCORE', root .. ':wl', user)
  append_waiting_event(root .. ':outbox', string.match(root, '{s:(%d+)}$'), 'WAITING_LEFT', user, number,
    wl_request_only(text), now)
  local req = wl_parse_request(text)
  local field = req.seats and 'seats' or req.inventory
  if redis.call('HINCRBY', root .. ':wl:wants', field, -1) <= 0 then
    redis.call('HDEL', root .. ':wl:wants', field)
  end
  redis.call('ZREM', root .. ':wl', user)
  redis.call('HDEL', root .. ':wl:req', user)
  return true
end

local B36 = '0123456789abcdefghijklmnopqrstuvwxyz'

local function base36(n, width)
  local s = ''
  repeat
    local d = n % 36
    s = string.sub(B36, d + 1, d + 1) .. s
    n = math.floor(n / 36)
  until n == 0
  while #s < width do
    s = '0' .. s
  end
  return string.sub(s, -width)
end

-- A new reservation id "<schedule>-<16 base-36 chars>": Redis time in microseconds (11
-- chars, unique across a rebuild that loses the counter) and a counter (5 chars).
local function wl_new_id(w)
  while true do
    local t = redis.call('TIME')
    local micros = tonumber(t[1]) * 1000000 + tonumber(t[2])
    local n = redis.call('INCR', w.root .. ':wl:ids')
    local id = w.schedule .. '-' .. base36(micros, 11) .. base36(n, 5)
    if redis.call('EXISTS', w.root .. ':r:' .. id) == 0 then
      return id
    end
  end
end

-- The user's live seats and units {inventory id -> units} (held with a deadline ahead, or bought).
local function wl_user_live(w, user)
  local live = redis.call('HGETALL', w.root .. ':u:' .. user)
  local seats, units = 0, {}
  for i = 1, #live, 2 do
    local s, deadline, u = read_live_entry(live[i + 1])
    if deadline == 0 or deadline > w.now then
      seats = seats + s
      for inventory, n in pairs(u) do
        units[inventory] = (units[inventory] or 0) + n
      end
    end
  end
  return seats, units
end

-- Creates the offer: a HELD reservation of `seats` (seat ids) and/or `item` ({id, units,
-- price}) for `user`, held for the offer TTL, with its HELD event; the fan leaves the list.
local function wl_hold_offer(w, user, seats, item)
  local root, now = w.root, w.now
  local id = wl_new_id(w)
  local heldUntil = now + w.ttl
  local amount = 0
  for _, seat in ipairs(seats) do
    amount = amount + tonumber(redis.call('HGET', root .. ':seats', seat))
    redis.call('SET', root .. ':hold:' .. seat, id, 'PX', w.ttl)
  end
  local items = {}
  local r = {key = root .. ':r:' .. id, id = id, scheduleId = w.schedule, userId = user,
    seatIds = table.concat(seats, ','), state = 'HELD', version = 1, heldUntil = heldUntil, offer = '1'}
  if item then
    items[1] = item
    amount = amount + item.units * item.price
    redis.call('ZADD', root .. ':invh:' .. item.id, heldUntil, units_member(r, item.units))
    redis.call('HINCRBY', root .. ':inv:' .. item.id, 'held', item.units)
  end
  r.amount = tostring(amount)
  r.items = item and (item.id .. ':' .. item.units .. ':' .. item.price) or ''
  redis.call('HSET', r.key, 'id', id, 'scheduleId', w.schedule, 'userId', user, 'seatIds', r.seatIds,
    'amount', r.amount, 'state', 'HELD', 'heldUntil', tostring(heldUntil), 'createdAt', tostring(now),
    'version', '1', 'items', r.items, 'offer', '1', history(1, 'HELD', now))
  redis.call('ZADD', root .. ':expiry', heldUntil, member(r))
  redis.call('HSET', root .. ':u:' .. user, id, live_entry(#seats, heldUntil, items))
  append_event(root .. ':outbox', r, 'HELD', heldUntil, now)
  wl_remove(root, user, now)
  redis.call('HSET', root .. ':wl:offers', user, id)
  return id
end

-- Picks n of the free seats, best fit: from the section with the fewest free seats that still
-- has n (lowest ids first, so neighbours in a row), else the n lowest ids over all sections.
local function wl_pick(free, n)
  local bySection = {}
  for _, seat in ipairs(free) do
    local section = seat.section
    bySection[section] = bySection[section] or {}
    table.insert(bySection[section], seat.id)
  end
  local best
  for _, ids in pairs(bySection) do
    if #ids >= n then
      table.sort(ids)
      if not best or #ids < #best or (#ids == #best and ids[1] < best[1]) then
        best = ids
      end
    end
  end
  local all = {}
  if not best then
    for _, seat in ipairs(free) do
      all[#all + 1] = seat.id
    end
    table.sort(all)
    best = all
  end
  local picked = {}
  for i = 1, n do
    picked[i] = best[i]
  end
  return picked
end

-- Offers what is free to the fans in line, in join order: `freed` are seat ids this script
-- freed (or found free); seats freed earlier and not offered yet wait in wl:free; the units of
-- every inventory somebody waits for are looked at (aged first). A fan gets an offer when it
-- satisfies the whole request and keeps them within the per-user limits; a fan it does not
-- satisfy keeps the place and the next is looked at. Returns the offers made, as
-- "reservationId|user,..." ('' for none), for the caller's reply.
local function wl_offer(w, freed)
  if not w then
    return ''
  end
  local root = w.root
  if redis.call('EXISTS', root .. ':wl') == 0 then
    redis.call('DEL', root .. ':wl:free')
    return ''
  end
  local wants = redis.call('HGETALL', root .. ':wl:wants')
  local wantsSeats = false
  local available = {}
  local anyUnits = false
  for i = 1, #wants, 2 do
    if wants[i] == 'seats' then
      wantsSeats = true
    else
      local inventory, holds = root .. ':inv:' .. wants[i], root .. ':invh:' .. wants[i]
      if redis.call('EXISTS', inventory) == 1 then
        age_units(inventory, holds, w.now)
        available[wants[i]] = units_available(inventory)
        if available[wants[i]] > 0 then
          anyUnits = true
        end
      end
    end
  end
  local free = {}
  if wantsSeats then
    local pool = root .. ':wl:free'
    if #freed > 0 then
      redis.call('SADD', pool, unpack(freed))
    end
    for _, seat in ipairs(redis.call('SMEMBERS', pool)) do
      if redis.call('EXISTS', root .. ':hold:' .. seat) == 0 and redis.call('HEXISTS', root .. ':sold', seat) == 0
          and redis.call('HEXISTS', root .. ':seats', seat) == 1 then
        free[#free + 1] = {id = tonumber(seat), section = redis.call('HGET', root .. ':wl:sections', seat) or ''}
      else
        redis.call('SREM', pool, seat)
      end
    end
  else
    redis.call('DEL', root .. ':wl:free')
  end
  if #free == 0 and not anyUnits then
    return ''
  end
  local offers = {}
  for _, user in ipairs(redis.call('ZRANGE', root .. ':wl', 0, WL_SCAN - 1)) do
    local req = wl_parse_request(redis.call('HGET', root .. ':wl:req', user))
    if req.seats then
      if #free >= req.seats then
        local seats = wl_user_live(w, user)
        if seats + req.seats <= w.max then
          local picked = wl_pick(free, req.seats)
          local taken = {}
          for _, id in ipairs(picked) do
            taken[id] = true
            redis.call('SREM', root .. ':wl:free', tostring(id))
          end
          local rest = {}
          for _, seat in ipairs(free) do
            if not taken[seat.id] then
              rest[#rest + 1] = seat
            end
          end
          free = rest
          offers[#offers + 1] = wl_hold_offer(w, user, picked, nil) .. '|' .. user
        end
      end
    elseif (available[req.inventory] or 0) >= req.units then
      local c = redis.call('HMGET', root .. ':inv:' .. req.inventory, 'price', 'maxPerUser')
      local _, units = wl_user_live(w, user)
      if (units[req.inventory] or 0) + req.units <= tonumber(c[2]) then
        available[req.inventory] = available[req.inventory] - req.units
        offers[#offers + 1] = wl_hold_offer(w, user, {}, {id = req.inventory, units = req.units,
          price = tonumber(c[1])}) .. '|' .. user
      end
    end
    if #free == 0 then
      local left = false
      for _, n in pairs(available) do
        if n > 0 then
          left = true
        end
      end
      if not left then
        break
      end
    end
  end
  return table.concat(offers, ',')
end

-- The seat ids of r, as strings (what wl_offer takes as freed).
local function wl_seats_of(r)
  local seats = {}
  for seat in string.gmatch(r.seatIds or '', '%d+') do
    seats[#seats + 1] = seat
  end
  return seats
end
