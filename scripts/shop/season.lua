-- scripts/shop/season.lua — may a product be sold on a given day? What
-- is in season is rules/season.lua's; this file asks it about catalog rows
-- and cart lines, with the day passed in (the shop's local date, today by
-- default), so a caller — and a spec — says which day it means.
--
--   season.today([now]) -> "YYYY-MM-DD"   the shop's local date (rules/slots.lua)
--   season.of(p) -> { from =, to = } | nil   row p's season (months 1..12)
--   season.shown(p, day) -> "yes" | "unavailable" | "hidden"
--       how the catalog shows row p (its own season tag only: a
--       composition of seasonal flowers carries their tag, seed/check.lua)
--   season.sellable(c, p, day) -> true | false, out
--       p and, for a composition, each of its parts; `out` = { product =,
--       from =, to = } the first one out of season (c: shop/catalog.lua's copy)
--   season.line_ok(c, line, day) -> true | false, out
--       every product of a cart line (shop/cart.lua's shape)
local rules = require "rules"
local stock = require "shop.stock"

local M = {}

function M.today(now) return rules.slots.local_date(now or os.time()) end

-- Most products have no season: the answer is remembered on the catalog
-- row (a new catalog copy asks again), so they cost no rule call.
local function season_of(p)
  if p.season == nil then p.season = rules.season.of(p) or false end
  return p.season
end

-- { from =, to =, tag = } of catalog row p, or nil: no season.
function M.of(p) return season_of(p) or nil end

local function out_of(p, day)
  local s = season_of(p)
  if not s or rules.season.in_season(p, day) then return nil end
  return { product = p, from = s.from, to = s.to }
end

function M.shown(p, day)
  if not season_of(p) then return "yes" end
  return rules.season.shown(p, day or M.today())
end

function M.sellable(c, p, day)
  day = day or M.today()
  local out = out_of(p, day)
  if out then return false, out end
  if p.kind == "composition" then
    for pid in pairs(stock.parts(p)) do
      local part = c.products[pid]
      out = part and part ~= p and out_of(part, day)
      if out then return false, out end
    end
  end
  return true
end

function M.line_ok(c, line, day)
  day = day or M.today()
  local ids = {}
  if line.kind == "product" then
    ids[1] = line.product_id
  else
    for _, what in ipairs { "stems", "extras" } do
      for _, s in ipairs(line[what] or {}) do ids[#ids + 1] = s.product_id end
    end
  end
  for _, id in ipairs(ids) do
    local p = id and c.products[id]
    if p then
      local ok, out = M.sellable(c, p, day)
      if not ok then return false, out end
    end
  end
  return true
end

return M
