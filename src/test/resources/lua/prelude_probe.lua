-- For LuaScriptsTests: replies what the prelude's helpers compute, so the test sees it loaded.
local field, entry = history(3, 'HELD', 1234)
return {'OK', 'now', tostring(now_ms()), 'member', member({id = '7-abc', userId = 'fan|x'}),
  'historyField', field, 'historyEntry', entry}
