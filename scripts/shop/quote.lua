-- scripts/shop/quote.lua — what a cart costs: the cart's lines turned into
-- rules/pricing.lua's input (catalog products in place of ids), and its
-- answer made readable later without the catalog.
--
--   quote.of(cart, { zone =, date =, promo =, pricing =, today = }) -> q | nil, reason_key
--
-- cart is what shop/cart.lua's get() returns; zone "Z1".., date
-- "YYYY-MM-DD" (local delivery date), promo a row already found valid in
-- PostgreSQL ({code=, kind=, value=, min_total=}); `pricing` replaces
-- rules.pricing (specs only). q is rules.pricing.quote's answer (see the
-- header of rules/pricing.lua) with, added here:
--   q.lines[i].product_id   the product of a product line
--   q.lines[i].occasion     a bouquet's occasion code
--   q.names = { ["<product_id>"] = { ru =, uz = } } every product it names,
--     so the same q renders (bot/breakdown.lua) in the cart, on the
--     confirmation screen, in the florists' post and from the order's stored
--     breakdown, even after a product is renamed or taken off sale
--   q.unavailable = { line_id, ... } cart lines left out: a product in them
--     is no longer sold, or out of season today (ctx.today, default the
--     shop's local date; rules/season.lua) — a line put in the cart on the
--     last day of its season is not ordered the day after. The cart view
--     removes them and says so; checkout refuses them.
-- reason_key: a template key (rules.pricing.*), or "rule_failed".
local rules = require "rules"
local log = require "log"
local catalog = require "shop.catalog"
local cart_mod = require "shop.cart"
local season = require "shop.season"

local M = {}

local function name_of(names, p)
  names[tostring(p.id)] = { ru = p.name_ru, uz = p.name_uz }
end

-- The pricing input's product: only what the rule needs.
local function bare(p) return { id = p.id, code = p.code, kind = p.kind, price = p.price } end

local function input_line(r, names)
  if r.kind == "product" then
    name_of(names, r.product)
    return { id = r.id, kind = "product", count = r.count, product = bare(r.product) }
  end
  local l = { id = r.id, kind = "bouquet", count = r.count, stems = {}, extras = {} }
  for _, what in ipairs { "stems", "extras" } do
    for _, s in ipairs(r[what]) do
      name_of(names, s.product)
      table.insert(l[what], { product = bare(s.product), count = s.count })
    end
  end
  if r.packaging then
    name_of(names, r.packaging.product)
    l.packaging = { code = r.packaging.code, product = bare(r.packaging.product) }
  end
  for _, what in ipairs { "ribbon", "card" } do
    if r[what] then
      name_of(names, r[what])
      l[what] = bare(r[what])
    end
  end
  return l
end

function M.of(cart, ctx)
  ctx = ctx or {}
  local cat = catalog.get()
  local input = { lines = {}, zone = ctx.zone, date = ctx.date, promo = ctx.promo }
  local names, unavailable, by_id = {}, {}, {}
  local today = ctx.today or season.today()
  for _, line in ipairs(cart.lines or {}) do
    local r = cart_mod.resolve(line, cat)
    if r and season.line_ok(cat, line, today) then
      input.lines[#input.lines + 1] = input_line(r, names)
      by_id[line.id] = line
    else
      unavailable[#unavailable + 1] = line.id
    end
  end
  local pricing = ctx.pricing or rules.pricing
  local q, reason, detail = pricing.quote(input)
  if not q then
    if reason == "rule_failed" then log.error("pricing failed", { err = tostring(detail) }) end
    return nil, reason or "rule_failed"
  end
  for _, ql in ipairs(q.lines) do
    local line = by_id[ql.id]
    if line then
      ql.product_id = line.product_id
      ql.occasion = line.occasion
    end
    for _, part in ipairs(ql.parts or {}) do
      local p = part.product_id and cat.products[part.product_id]
      if p then name_of(names, p) end
    end
  end
  q.names = names
  q.unavailable = unavailable
  return q
end

return M
