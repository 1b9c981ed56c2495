-- scripts/shop/inventory/checks.lua — what a stock operation's typed
-- values must be (rules/inventory.lua's limits): a count of units, a
-- note, a supplier. Each returns the clean value, or nil, reason_key, params.
local rules = require "rules"

local M = {}

-- A whole number from `min` to MAX_UNITS, or the refusal `key`.
local function units(n, min, key)
  n = math.tointeger(n)
  local max = rules.inventory.MAX_UNITS
  if not n or n < min or n > max then return nil, key, { max = max } end
  return n
end

function M.units(n) return units(n, 1, "stock.refused.bad_count") end

-- What a count found: 0 is a count too.
function M.counted(n) return units(n, 0, "stock.refused.bad_counted") end

local function text(s, max, key)
  if s == nil then return nil end
  if type(s) ~= "string" then return nil, key, { max = max } end
  s = s:match("^%s*(.-)%s*$")
  if s == "" then return nil end
  if (utf8.len(s) or max + 1) > max then return nil, key, { max = max } end
  return s
end

function M.note(s) return text(s, rules.inventory.NOTE_MAX_CHARS, "stock.refused.note_long") end

function M.supplier(s)
  local v, key, params = text(s, rules.inventory.SUPPLIER_MAX_CHARS, "stock.refused.supplier_long")
  if key then return nil, key, params end
  if not v then return nil, "stock.refused.no_supplier" end
  return v
end

function M.unit_cost(tiyin)
  tiyin = math.tointeger(tiyin)
  if not tiyin or tiyin < 0 or tiyin > rules.inventory.MAX_UNIT_COST then
    return nil, "stock.refused.bad_cost"
  end
  return tiyin
end

return M
