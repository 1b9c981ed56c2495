-- scripts/bot/breakdown.lua — a quote (shop/quote.lua, rules/pricing.lua)
-- as lines a person reads: every item with count × unit price, a bouquet's
-- parts, the peak-day surcharge, the delivery fee or "free", the promo
-- discount, the rounding and the total.
--
--   breakdown.lines(lang, q[, under]) -> { Text, ... }
--
-- The same q is shown in the cart, on the checkout's confirmation screen
-- and in the florists' post, and it is stored on the order: so this file
-- reads names from q.names first (quote.of puts them there) and only then
-- from the catalog, and accepts a q that went through JSON (numbers may
-- come back as floats). under = { [line_id] = { Text, ... } } adds the
-- caller's own lines below a line (the cart's postcard text).
-- Lines are numbered 1, 2, ... in q's order; the cart's buttons use the
-- same numbers.
local i18n = require "i18n"
local catalog = require "shop.catalog"
local listing = require "bot.listing"

local M = {}

local function int(v)
  if v == nil then return nil end
  return math.tointeger(v) or math.floor(tonumber(v) + 0.5)
end

local function price(lang, v) return listing.price(lang, int(v) or 0) end

-- The product's name in lang: from the quote, else the catalog, else "#id".
local function name(lang, q, product_id)
  local id = int(product_id)
  local n = q.names and q.names[tostring(id)]
  if type(n) == "table" and type(n[lang]) == "string" then return n[lang] end
  local p = id and catalog.get().products[id]
  if p then return catalog.name(lang, p) end
  return i18n.t(lang, "cart.bd.unknown_product", { id = tostring(id) })
end

-- A code's words when the templates have them (rules.zone.Z1,
-- rules.peak.march8, occasion.birthday), else the code itself.
local function named(lang, prefix, code)
  if code == nil then return "" end
  if i18n.has(lang, prefix .. code) then return i18n.t(lang, prefix .. code) end
  return tostring(code)
end

-- Parts by what they are; anything else a rule may add reads like an extra.
local PART_KEYS = { stem = "stem", extra = "extra", packaging = "packaging", ribbon = "ribbon", card = "card" }
local NAMED = { stem = true, extra = true, packaging = true }

local function part_line(lang, q, part)
  local what = PART_KEYS[part.what] or "extra"
  local vars = { amount = price(lang, part.amount), count = int(part.count) or 1 }
  if NAMED[what] then vars.name = name(lang, q, part.product_id) end
  return i18n.t(lang, "cart.bd." .. what, vars)
end

local function item_line(lang, q, n, l)
  local vars = { n = n, count = int(l.count) or 1, unit = price(lang, l.unit), amount = price(lang, l.amount) }
  if l.kind == "bouquet" then
    if l.occasion then
      vars.occasion = named(lang, "occasion.", l.occasion)
      return i18n.t(lang, "cart.bd.bouquet_for", vars)
    end
    return i18n.t(lang, "cart.bd.bouquet", vars)
  end
  vars.name = name(lang, q, l.product_id)
  return i18n.t(lang, "cart.bd.product", vars)
end

-- Rules' notes ({key=, params=}): amounts among the params read as prices.
local AMOUNT_PARAMS = { min = true, amount = true, fee = true, total = true }

local function note_line(lang, note)
  if type(note) ~= "table" or type(note.key) ~= "string" or not i18n.has(lang, note.key) then return nil end
  local vars = {}
  for k, v in pairs(type(note.params) == "table" and note.params or {}) do
    vars[k] = (AMOUNT_PARAMS[k] and type(v) == "number") and price(lang, v) or v
  end
  local ok, t = pcall(i18n.t, lang, note.key, vars)
  return ok and t or nil
end

function M.lines(lang, q, under)
  local out = {}
  local function add(t) if t then out[#out + 1] = t end end
  for n, l in ipairs(q.lines or {}) do
    add(item_line(lang, q, n, l))
    for _, part in ipairs(l.parts or {}) do add(part_line(lang, q, part)) end
    for _, t in ipairs(under and under[l.id] or {}) do add(t) end
  end
  local extra_sums = q.surcharge or q.discount or q.delivery or (int(q.rounding) or 0) ~= 0
  if extra_sums then add(i18n.t(lang, "cart.bd.items", { amount = price(lang, q.items) })) end
  if q.surcharge then
    add(i18n.t(lang, "cart.bd.surcharge", { day = named(lang, "rules.peak.", q.surcharge.day),
      percent = int(q.surcharge.percent) or 0, amount = price(lang, q.surcharge.amount) }))
  end
  if q.discount then
    add(i18n.t(lang, "cart.bd.discount", { code = tostring(q.discount.code or ""),
      amount = price(lang, q.discount.amount) }))
  end
  if q.delivery then
    local zone = named(lang, "rules.zone.", q.delivery.zone)
    if q.delivery.free then
      add(i18n.t(lang, "cart.bd.delivery_free", { zone = zone }))
    else
      add(i18n.t(lang, "cart.bd.delivery", { zone = zone, amount = price(lang, q.delivery.fee) }))
    end
  end
  local rounding = int(q.rounding) or 0
  if rounding ~= 0 then add(i18n.t(lang, "cart.bd.rounding", { amount = price(lang, -rounding) })) end
  for _, note in ipairs(q.notes or {}) do add(note_line(lang, note)) end
  add(i18n.t(lang, "cart.bd.total", { amount = price(lang, q.total) }))
  return out
end

return M
