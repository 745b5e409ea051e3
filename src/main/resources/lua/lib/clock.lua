-- Stagedoor's Lua prelude: the files of lua/lib, put in front of every script by LuaScripts
-- when it is loaded, so each transition stays one file and one EVALSHA. Everything here is
-- local (Redis refuses scripts that create globals) and only defines functions.

-- Redis time in ms. Scripts never take the time from an instance: instances' clocks differ.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
