-- Units of quantity inventories (uses member from reservation.lua). An inventory's hash keeps
-- quantity, price, maxPerUser and the counts held and sold; its holds zset keeps each live
-- hold's units as "reservationId|units" -> held-until ms. Counters alone cannot expire, so
-- lapsed holds' units stay in the zset until someone touches the inventory: every script
-- that reads or changes an inventory first ages it, and nobody depends on a reaper.
-- A reservation's items (hash field and event field `items`): "inventoryId:units:price,...",
-- price per unit; '' when it has none.

-- The items of r (or of an items text) as {id =, units =, price =}, in their order.
local function parse_items(text)
  local items = {}
  for id, units, price in string.gmatch(text or '', '(%d+):(%d+):(%d+)') do
    items[#items + 1] = {id = id, units = tonumber(units), price = tonumber(price)}
  end
  return items
end

local function units_member(r, units)
  return r.id .. '|' .. units
end

-- Returns the units of lapsed holds of one inventory to it.
local function age_units(inventory, holds, now)
  local lapsed = redis.call('ZRANGEBYSCORE', holds, '-inf', now)
  if #lapsed > 0 then
    local units = 0
    for _, m in ipairs(lapsed) do
      units = units + tonumber(string.match(m, '|(%d+)$'))
    end
    redis.call('HINCRBY', inventory, 'held', -units)
    redis.call('ZREMRANGEBYSCORE', holds, '-inf', now)
  end
end

-- Units left to hold in an (aged) inventory.
local function units_available(inventory)
  local c = redis.call('HMGET', inventory, 'quantity', 'held', 'sold')
  return tonumber(c[1]) - tonumber(c[2]) - tonumber(c[3])
end

-- The key pairs {inventory =, holds =} of r's items, from KEYS[first] on, in items order.
local function unit_keys(items, first)
  local keys = {}
  for i = 1, #items do
    keys[i] = {inventory = KEYS[first + 2 * (i - 1)], holds = KEYS[first + 2 * i - 1]}
  end
  return keys
end

-- Gives back the units r still holds (released, expired, lost): once, whoever comes first.
local function return_units(r, items, keys)
  for i, item in ipairs(items) do
    if redis.call('ZREM', keys[i].holds, units_member(r, item.units)) == 1 then
      redis.call('HINCRBY', keys[i].inventory, 'held', -item.units)
    end
  end
end

-- Moves the deadline of the units r still holds (paying, or held again).
local function keep_units(r, items, keys, deadline)
  for i, item in ipairs(items) do
    redis.call('ZADD', keys[i].holds, 'XX', deadline, units_member(r, item.units))
  end
end

-- Whether r still holds all its units after `now`.
local function units_ours(r, items, keys, now)
  for i, item in ipairs(items) do
    local deadline = redis.call('ZSCORE', keys[i].holds, units_member(r, item.units))
    if not deadline or tonumber(deadline) <= now then
      return false
    end
  end
  return true
end

-- The user's live-reservations entry of r: "seats:deadline" (0 = bought), then ":id=units;..."
-- when it has items, so a hold can count the user's units of each inventory.
local function live_entry(seatCount, deadline, items)
  local entry = seatCount .. ':' .. deadline
  if #items > 0 then
    local parts = {}
    for i, item in ipairs(items) do
      parts[i] = item.id .. '=' .. item.units
    end
    entry = entry .. ':' .. table.concat(parts, ';')
  end
  return entry
end

-- Reads a live-reservations entry: seats, deadline, and {inventory id -> units}.
local function read_live_entry(entry)
  local seats, deadline, rest = string.match(entry, '^(%d+):(%d+):?(.*)$')
  local units = {}
  for id, n in string.gmatch(rest or '', '(%d+)=(%d+)') do
    units[id] = (units[id] or 0) + tonumber(n)
  end
  return tonumber(seats), tonumber(deadline), units
end

-- Number of seats of r (seatIds may be '' when it holds only units).
local function seat_count(r)
  local n = 0
  for _ in string.gmatch(r.seatIds or '', '%d+') do
    n = n + 1
  end
  return n
end
