-- scripts/bot/constructor/model.lua — the catalog as the constructor sees
-- it, and the bouquet in progress (bot/constructor/state.lua) turned into
-- what the rules take: the bouquet rules/constructor.lua checks, and the
-- one line rules/pricing.lua prices. Also which stems, colours, packaging
-- and extras the customer may choose from at a step. No texts, no
-- Telegram: bot/constructor/screens.lua draws, bot/constructor.lua acts.
--
-- `c` is always a catalog copy from shop/catalog.lua's catalog.get(); what
-- is derived from it once (category codes, the stem list) is cached on
-- that copy, so a catalog refresh brings fresh derivations with it.
local i18n = require "i18n"
local rules = require "rules"
local season = require "shop.season"

local M = {}

-- Rules are hot-reloaded: always ask for the current generation.
local function ctor() return rules.constructor end

function M.product(c, id) return id and c.products[id] end
function M.by_code(c, code) return code and c.by_code[code] end

local product, by_code = M.product, M.by_code

-- Category codes by id, once per catalog copy (rules/constructor.lua
-- speaks of category codes; the catalog keys categories by id).
local function category_codes(c)
  if c.ctor_category_codes then return c.ctor_category_codes end
  local codes = {}
  for id, cat in pairs(c.categories) do codes[id] = cat.code end
  c.ctor_category_codes = codes
  return codes
end

-- A catalog product as the rule wants it (without touching the shared copy).
local function rule_product(c, p)
  return { id = p.id, code = p.code, kind = p.kind, price = p.price, colour = p.colour,
           tags = p.tags, tag_set = p.tag_set, category = category_codes(c)[p.category_id] }
end

-- Stems for the constructor on `day` (default today): flowers first, then
-- greenery, each by price; a flower out of season is not offered at all
-- (rules/season.lua), whatever the catalog does with it. Kept on the
-- catalog copy for the day.
function M.stems_of(c, day)
  day = day or season.today()
  if c.ctor_stems and c.ctor_stems_day == day then return c.ctor_stems end
  local main, green = {}, {}
  for _, p in ipairs(c.list) do
    if p.kind == "stem" and season.sellable(c, p, day) then
      if ctor().is_filler(p) then green[#green + 1] = p else main[#main + 1] = p end
    end
  end
  for _, p in ipairs(green) do main[#main + 1] = p end
  c.ctor_stems, c.ctor_stems_day = main, day
  return main
end

-- The colour codes of a product, in the order its colour field lists them,
-- that the templates can name.
function M.colours_of(lang, p)
  local list = {}
  for code in (p.colour or ""):lower():gmatch("[a-z0-9_]+") do
    if i18n.has(lang, "colour." .. code) then list[#list + 1] = code end
  end
  return list
end

-- The colours of a product by id; none when it is gone.
function M.flower_colours(c, lang, id)
  local p = product(c, id)
  return p and M.colours_of(lang, p) or {}
end

-- The bouquet as rules/constructor.lua checks it; nil when a product is gone.
function M.rule_bouquet(c, st)
  local b = { occasion = st.occasion, stems = {}, extras = {}, packaging = st.packaging,
              card_text = st.card_text }
  for _, s in ipairs(st.stems) do
    local p = product(c, s.product_id)
    if not p then return nil end
    b.stems[#b.stems + 1] = { product = rule_product(c, p), count = s.count, colour = s.colour }
  end
  for _, e in ipairs(st.extras) do
    local p = product(c, e.product_id)
    if not p then return nil end
    b.extras[#b.extras + 1] = { product = rule_product(c, p), count = e.count }
  end
  return b
end

-- The counts offered as buttons for the flower being chosen (st.cur): the
-- rule's quick counts for this occasion, given the flowers already in the
-- bouquet (rules/constructor.lua's quick_counts: the same parity rule as
-- the check, so no button is refused). Empty when a product is gone.
function M.quick_counts(c, st)
  local cur = st.cur and product(c, st.cur.product_id)
  if not cur then return {} end
  local others = { occasion = st.occasion, stems = {}, extras = {} }
  for _, s in ipairs(st.stems) do
    if not (s.product_id == st.cur.product_id and s.colour == st.cur.colour) then
      others.stems[#others.stems + 1] = s
    end
  end
  local b = M.rule_bouquet(c, others)
  if not b then return {} end
  return ctor().quick_counts(b, rule_product(c, cur)) or {}
end

function M.total_stems(st)
  local n = 0
  for _, s in ipairs(st.stems) do n = n + s.count end
  return n
end

local function packaging_product(c, code)
  local pk = code and ctor().packaging(code)
  return pk and by_code(c, pk.product), pk
end

-- Packaging that holds this many stems and is on sale.
function M.allowed_packaging(c, st)
  local n, list = M.total_stems(st), {}
  for _, pk in ipairs(ctor().PACKAGING) do
    local p = by_code(c, pk.product)
    if p and n >= pk.min and n <= pk.max then list[#list + 1] = { pk = pk, product = p } end
  end
  return list
end

-- Extras that go with the chosen packaging (not the wraps, the ribbon or
-- the postcard: those have their own steps).
function M.fitting_extras(c, st)
  local pk = st.packaging and ctor().packaging(st.packaging)
  if not pk then return {} end
  local allowed = {}
  for _, cat in ipairs(pk.extras) do allowed[cat] = true end
  local codes = category_codes(c)
  local list = {}
  for _, p in ipairs(c.list) do
    if p.kind == "extra" and allowed[codes[p.category_id]] and p.code ~= ctor().CARD
        and p.code ~= ctor().RIBBON and not ctor().packaging_of_product(p.code) then
      list[#list + 1] = p
    end
  end
  return list
end

-- The bouquet as rules/pricing.lua's one line (the shape shop/quote.lua
-- gives it), or nil when a product is gone.
function M.pricing_line(c, st)
  local function bare(p) return { id = p.id, code = p.code, kind = p.kind, price = p.price } end
  local l = { id = "b", kind = "bouquet", count = 1, stems = {}, extras = {} }
  for _, what in ipairs { "stems", "extras" } do
    for _, s in ipairs(st[what]) do
      local p = product(c, s.product_id)
      if not p then return nil end
      table.insert(l[what], { product = bare(p), count = s.count })
    end
  end
  local pp = packaging_product(c, st.packaging)
  if not pp then return nil end
  l.packaging = { code = st.packaging, product = bare(pp) }
  if st.ribbon then
    local r = by_code(c, ctor().RIBBON)
    if not r then return nil end
    l.ribbon = bare(r)
  end
  if st.card_text then
    local k = by_code(c, ctor().CARD)
    if not k then return nil end
    l.card = bare(k)
  end
  return l
end

-- Where Back leads from st's step. It depends on the same facts as the
-- steps themselves (does the flower have several colours, does any extra
-- fit the packaging); going back from "more" reopens the last flower's
-- count, so st.cur becomes that flower.
function M.previous_step(c, lang, st)
  local s = st.step
  if s == "flower" then return #st.stems > 0 and "more" or "occasion" end
  if s == "colour" then return "flower" end
  if s == "count" then
    if st.expect == "count" then return "count" end
    return (st.cur and #M.flower_colours(c, lang, st.cur.product_id) > 1) and "colour" or "flower"
  end
  if s == "more" then
    local last = st.stems[#st.stems]
    if last then st.cur = { product_id = last.product_id, colour = last.colour } end
    return last and "count" or "flower"
  end
  if s == "packaging" then return "more" end
  if s == "ribbon" then return "packaging" end
  if s == "card" then
    if st.expect == "card" then return "card" end
    return "ribbon"
  end
  if s == "extras" then return "card" end
  if s == "summary" then return #M.fitting_extras(c, st) > 0 and "extras" or "card" end
  return "occasion"
end

return M
