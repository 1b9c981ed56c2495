-- scripts/shop/inventory/items.lua — finding the item a stock operation
-- is about: by its code, or by words of its name (hidden products too:
-- staff count what is in the buckets, not what customers see).
--
--   items.by_code(code) -> item | nil
--   items.get(product_id) -> item | nil
--   items.find(text, limit) -> { item, ... }   an exact code first
-- item = { id, code, kind, name_ru, name_uz, on_hand, threshold }
local pg = require "pg"
local normalize = require "shop.normalize"

local M = {}

local COLS = [[SELECT p.id, p.code, p.kind, p.name_ru, p.name_uz,
                      coalesce(s.on_hand, 0) AS on_hand, coalesce(s.threshold, 0) AS threshold
                 FROM products p LEFT JOIN stock s ON s.product_id = p.id ]]

local function rows(sql, ...)
  local r, err, code = pg.query(COLS .. sql, ...)
  if not r then error(("inventory items: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return r
end

function M.by_code(code)
  if type(code) ~= "string" or code == "" then return nil end
  return rows("WHERE lower(p.code) = lower($1)", code)[1]
end

function M.get(product_id)
  local id = math.tointeger(tonumber(product_id))
  return id and rows("WHERE p.id = $1", id)[1] or nil
end

-- Stems and extras are what stock is kept of (a composition consumes
-- its parts), so they come first.
function M.find(text, limit)
  limit = limit or 8
  local exact = M.by_code(text and text:match("^%s*(%S+)%s*$"))
  if exact then return { exact } end
  local words = {}
  for w in normalize.key(text or ""):gmatch("%S+") do words[#words + 1] = w end
  if not words[1] then return {} end
  local found = {}
  for _, r in ipairs(rows("ORDER BY (p.kind = 'composition'), p.code NULLS LAST, p.id")) do
    local key = " " .. normalize.key(r.name_ru .. " " .. r.name_uz .. " " .. (r.code ~= pg.null and r.code or ""))
    local all = true
    for _, w in ipairs(words) do
      if not key:find(" " .. w, 1, true) then all = false; break end
    end
    if all then
      found[#found + 1] = r
      if #found >= limit then break end
    end
  end
  return found
end

return M
