-- rules/money.lua — how amounts are written for people.
-- Money is integer tiyin everywhere (1 so'm = 100 tiyin); shops in Uzbekistan
-- show whole so'm with the thousands separated by a space: 150 000.
-- The currency word ("so'm" / "сум") is text, so it lives in templates/.

local THOUSANDS_SEPARATOR = " "   -- a plain space: Telegram clients never break it badly
local TIYIN_PER_SOM = 100

local M = {}

M.TIYIN_PER_SOM = TIYIN_PER_SOM

-- 15000000 (tiyin) -> "150 000"; kopeck-level tiyin are rounded half up,
-- because no Bukhara shop prints tiyin on a price tag.
function M.format_som(tiyin)
  if math.type(tiyin) ~= "integer" then return nil, "amount_not_integer" end
  local negative = tiyin < 0
  local som = (math.abs(tiyin) + TIYIN_PER_SOM // 2) // TIYIN_PER_SOM
  local digits = tostring(som)
  local groups = {}
  while #digits > 3 do
    table.insert(groups, 1, digits:sub(-3))
    digits = digits:sub(1, -4)
  end
  table.insert(groups, 1, digits)
  return (negative and "-" or "") .. table.concat(groups, THOUSANDS_SEPARATOR)
end

function M.selfcheck()
  local want = "150" .. THOUSANDS_SEPARATOR .. "000"
  if M.format_som(15000000) ~= want then return false, "150 000 so'm does not format as " .. want end
  if M.format_som(0) ~= "0" then return false, "zero formats wrong" end
  return true
end

return M
