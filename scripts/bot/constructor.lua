-- scripts/bot/constructor.lua — the bouquet constructor: a customer builds
-- a bouquet from single stems, step by step, in one message.
--
--   occasion → flower → colour (when the flower has several) → count
--   → more flowers or greenery, or on → packaging (only those that hold
--   this many stems, with their price) → ribbon yes/no → postcard (typed
--   text, shown back verbatim) → extras that fit the packaging → summary
--   with the price → "Add to cart" (shop.cart.add_bouquet).
--
-- What is allowed is rules/constructor.lua's business (odd counts for gifts,
-- even for mourning, stems per packaging, which extras fit, the postcard's
-- length); what it costs is rules/pricing.lua's (the same quote the cart
-- uses, for this one bouquet line). This file only asks and shows.
--
-- The bouquet in progress lives in Redis (`ctor:<user_id>`, JSON, a day),
-- not in this process: it survives a restart and a reload, and the menu's
-- "b" button resumes it where the customer left. Every button edits the
-- one message of the constructor; a typed answer (a count, the postcard)
-- gets a fresh message and the old one is deleted, so the chat keeps one
-- screen of it. Typed text is taken (on_input) only while the state
-- expects it, and only for EXPECT_TTL seconds after the question.
--
-- Buttons, prefix "b" (bot/keyboard.lua):
--   b            open (resume)            b:o:<occasion>   occasion
--   b:f:<id>     flower                   b:fp:<page>      flowers page
--   b:c:<colour> colour                   b:n:<count>      count
--   b:N          type a count             b:m              more flowers
--   b:rm         remove the last flower   b:pk             packaging screen
--   b:p:<code>   packaging                b:r:1|0          ribbon
--   b:t          write the postcard       b:t0             no postcard
--   b:ty         keep the postcard        b:e:<id>         extra on/off
--   b:sum        summary                  b:add            add to cart
--   b:back       one step back            b:x              cancel
local i18n = require "i18n"
local json = require "json"
local redis = require "redis"
local log = require "log"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local menu = require "bot.menu"
local catalog = require "bot.catalog"
local listing = require "bot.listing"

local M = {}

local STATE_TTL = 24 * 3600   -- an unfinished bouquet is kept a day
local EXPECT_TTL = 30 * 60    -- a typed answer is awaited this long

local function ctor() return rules.constructor end

-- {======================================================================
-- State
-- =======================================================================

local function key(uid) return "ctor:" .. uid end

local function int(v) return math.tointeger(v) end

local function lines_of(list)
  local outl = {}
  for _, x in ipairs(type(list) == "table" and list or {}) do
    local id, n = int(x.product_id), int(x.count)
    if id and n then
      outl[#outl + 1] = { product_id = id, count = n, colour = type(x.colour) == "string" and x.colour or nil }
    end
  end
  return outl
end

local function load(uid)
  local raw, err = redis.call("GET", key(uid))
  if raw == nil then error("constructor: redis: " .. tostring(err), 0) end
  if raw == redis.null then return nil end
  local st = json.decode(raw)
  if type(st) ~= "table" then return nil end
  for k, v in pairs(st) do if v == json.null then st[k] = nil end end
  st.stems, st.extras = lines_of(st.stems), lines_of(st.extras)
  if type(st.cur) == "table" then
    st.cur = { product_id = int(st.cur.product_id), colour = type(st.cur.colour) == "string" and st.cur.colour or nil }
    if not st.cur.product_id then st.cur = nil end
  else
    st.cur = nil
  end
  st.msg_id, st.expect_at, st.fpage = int(st.msg_id), int(st.expect_at), int(st.fpage)
  return st
end

local function save(uid, st)
  local ok, err = redis.call("SET", key(uid), assert(json.encode(st)), "EX", STATE_TTL)
  if not ok then error("constructor: redis: " .. tostring(err), 0) end
end

local function drop(uid) redis.call("DEL", key(uid)) end

local function fresh_state() return { step = "occasion", stems = {}, extras = {} } end

-- {======================================================================
-- The catalog as the constructor sees it
-- =======================================================================

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

-- Stems for the constructor: flowers first, then greenery, each by price.
local function stems_of(c)
  if c.ctor_stems then return c.ctor_stems end
  local main, green = {}, {}
  for _, p in ipairs(c.list) do
    if p.kind == "stem" then
      if ctor().is_filler(p) then green[#green + 1] = p else main[#main + 1] = p end
    end
  end
  for _, p in ipairs(green) do main[#main + 1] = p end
  c.ctor_stems = main
  return main
end

-- The colour codes of a product, in the order its colour field lists them,
-- that the templates can name.
local function colours_of(lang, p)
  local list = {}
  for code in (p.colour or ""):lower():gmatch("[a-z0-9_]+") do
    if i18n.has(lang, "colour." .. code) then list[#list + 1] = code end
  end
  return list
end

local function product(c, id) return id and c.products[id] end
local function by_code(c, code) return code and c.by_code[code] end

-- The bouquet as rules/constructor.lua checks it; nil when a product is gone.
local function rule_bouquet(c, st)
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

local function total_stems(st)
  local n = 0
  for _, s in ipairs(st.stems) do n = n + s.count end
  return n
end

local function packaging_product(c, code)
  local pk = code and ctor().packaging(code)
  return pk and by_code(c, pk.product), pk
end

-- Extras that go with the chosen packaging (not the wraps, the ribbon or
-- the postcard: those have their own steps).
local function fitting_extras(c, st)
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

-- {======================================================================
-- Texts
-- =======================================================================

local function T(lang, k, vars) return i18n.t(lang, k, vars) end

-- A rule's problem or warning as a sentence: product and packaging named
-- in the customer's language.
local function reason(lang, c, p)
  local vars = {}
  for k, v in pairs(p.params or {}) do vars[k] = v end
  if p.product_id then
    local prod = product(c, p.product_id)
    vars.name = prod and catalog.name(lang, prod) or tostring(p.product_id)
  end
  if p.packaging then vars.packaging = T(lang, "rules.packaging." .. p.packaging) end
  return T(lang, p.key, vars)
end

local function stem_label(lang, c, s)
  local p = product(c, s.product_id)
  local name = p and catalog.name(lang, p) or tostring(s.product_id)
  if s.colour and i18n.has(lang, "colour." .. s.colour) and p and #colours_of(lang, p) > 1 then
    return T(lang, "constructor.stem_line_colour",
      { name = name, colour = T(lang, "colour." .. s.colour), count = s.count })
  end
  return T(lang, "constructor.stem_line", { name = name, count = s.count })
end

local function occasion_name(lang, st)
  if st.occasion and i18n.has(lang, "occasion." .. st.occasion) then return T(lang, "occasion." .. st.occasion) end
  return T(lang, "common.ellipsis")
end

-- "Your bouquet (birthday): • 15 roses • 3 eucalyptus"
local function so_far(lang, c, st)
  local parts = { T(lang, "constructor.so_far", { occasion = occasion_name(lang, st) }) }
  for _, s in ipairs(st.stems) do parts[#parts + 1] = stem_label(lang, c, s) end
  return i18n.join(parts, "\n")
end

local function nav_row(lang)
  return { keyboard.button(T(lang, "common.back"), "b:back"), keyboard.button(T(lang, "constructor.cancel"), "b:x") }
end

-- {======================================================================
-- Screens: each returns a view { text, markup }
-- =======================================================================

local screens = {}

function screens.occasion(lang)
  local rows, row = {}, {}
  local all = {}
  for _, o in ipairs(ctor().GIFT_OCCASIONS) do all[#all + 1] = o end
  for _, o in ipairs(ctor().MOURNING_OCCASIONS) do all[#all + 1] = o end
  for _, o in ipairs(all) do
    if i18n.has(lang, "occasion." .. o) then
      row[#row + 1] = keyboard.button(T(lang, "occasion." .. o), keyboard.cb("b", "o", o))
      if #row == 2 then rows[#rows + 1] = row; row = {} end
    end
  end
  if #row > 0 then rows[#rows + 1] = row end
  rows[#rows + 1] = { keyboard.button(T(lang, "common.menu"), "m"), keyboard.button(T(lang, "constructor.cancel"), "b:x") }
  return { text = T(lang, "constructor.occasion_title"), markup = keyboard.markup(rows) }
end

function screens.flower(lang, c, st)
  local stems = stems_of(c)
  if #stems == 0 then
    return { text = T(lang, "constructor.no_flowers"), markup = keyboard.markup { nav_row(lang) } }
  end
  local header = T(lang, "constructor.flower_title")
  if #st.stems > 0 then header = i18n.join({ so_far(lang, c, st), header }, "\n\n") end
  return listing.view {
    lang = lang, header = header, page = st.fpage or 0, items = stems,
    page_data = function(page) return keyboard.cb("b", "fp", page) end,
    item = function(p)
      local k = ctor().is_filler(p) and "constructor.greenery_button" or "constructor.flower_button"
      return keyboard.button(T(lang, k, { name = catalog.name(lang, p), price = listing.price(lang, p.price) }),
        keyboard.cb("b", "f", p.id))
    end,
    rows = { nav_row(lang) },
  }
end

function screens.colour(lang, c, st)
  local p = product(c, st.cur and st.cur.product_id)
  if not p then return nil end
  local rows, row = {}, {}
  for _, code in ipairs(colours_of(lang, p)) do
    row[#row + 1] = keyboard.button(T(lang, "colour." .. code), keyboard.cb("b", "c", code))
    if #row == 2 then rows[#rows + 1] = row; row = {} end
  end
  if #row > 0 then rows[#rows + 1] = row end
  rows[#rows + 1] = nav_row(lang)
  return { text = T(lang, "constructor.colour_title", { name = catalog.name(lang, p) }), markup = keyboard.markup(rows) }
end

-- The count screen; `lead` (Texts) says why the last count was refused,
-- `suggest` the count to offer as a button.
function screens.count(lang, c, st, lead, suggest)
  local p = product(c, st.cur and st.cur.product_id)
  if not p then return nil end
  local rows, row = {}, {}
  if suggest then
    rows[#rows + 1] = { keyboard.button(T(lang, "constructor.suggest_button", { count = suggest }),
      keyboard.cb("b", "n", suggest)) }
  end
  for _, n in ipairs(ctor().QUICK_COUNTS) do
    row[#row + 1] = keyboard.button(T(lang, "constructor.count_button", { count = n }), keyboard.cb("b", "n", n))
    if #row == 4 then rows[#rows + 1] = row; row = {} end
  end
  if #row > 0 then rows[#rows + 1] = row end
  rows[#rows + 1] = { keyboard.button(T(lang, "constructor.other_count"), "b:N") }
  if lead and #st.stems > 0 then
    rows[#rows + 1] = { keyboard.button(T(lang, "constructor.add_flower"), "b:m") }
  end
  rows[#rows + 1] = nav_row(lang)
  local parts = {}
  for _, l in ipairs(lead or {}) do parts[#parts + 1] = l end
  if #st.stems > 0 then parts[#parts + 1] = so_far(lang, c, st) end
  parts[#parts + 1] = T(lang, "constructor.count_title", { name = catalog.name(lang, p) })
  return { text = i18n.join(parts, "\n\n"), markup = keyboard.markup(rows) }
end

function screens.ask_count(lang, c, st, lead)
  local p = product(c, st.cur and st.cur.product_id)
  if not p then return nil end
  local parts = {}
  if lead then parts[1] = lead end
  parts[#parts + 1] = T(lang, "constructor.ask_count", { name = catalog.name(lang, p), max = ctor().MAX_STEMS_PER_FLOWER })
  return { text = i18n.join(parts, "\n\n"), markup = keyboard.markup { nav_row(lang) } }
end

-- After a flower's count: the bouquet so far, what the rules say, and on.
function screens.more(lang, c, st)
  local b = rule_bouquet(c, st)
  if not b then return nil end
  local r = ctor().check_stems(b)
  local parts = { so_far(lang, c, st) }
  for _, p in ipairs(r.problems) do parts[#parts + 1] = reason(lang, c, p) end
  for _, w in ipairs(r.warnings) do parts[#parts + 1] = reason(lang, c, w) end
  parts[#parts + 1] = T(lang, "constructor.more_title")
  local rows = {}
  if r.ok then
    rows[#rows + 1] = { keyboard.button(T(lang, "constructor.to_packaging"), "b:pk") }
  elseif r.suggest and #st.stems > 0 then
    local last = st.stems[#st.stems]
    local n = last.count + r.suggest.delta
    if n >= 1 then
      rows[#rows + 1] = { keyboard.button(T(lang, "constructor.suggest_button", { count = n }), keyboard.cb("b", "n", n)) }
    end
  end
  rows[#rows + 1] = { keyboard.button(T(lang, "constructor.add_flower"), "b:m") }
  local last = st.stems[#st.stems]
  local lp = last and product(c, last.product_id)
  if lp then
    rows[#rows + 1] = { keyboard.button(T(lang, "constructor.remove_last", { name = catalog.name(lang, lp) }), "b:rm") }
  end
  rows[#rows + 1] = nav_row(lang)
  return { text = i18n.join(parts, "\n\n"), markup = keyboard.markup(rows) }
end

-- Packaging that holds this many stems and is on sale.
local function allowed_packaging(c, st)
  local n, list = total_stems(st), {}
  for _, pk in ipairs(ctor().PACKAGING) do
    local p = by_code(c, pk.product)
    if p and n >= pk.min and n <= pk.max then list[#list + 1] = { pk = pk, product = p } end
  end
  return list
end

function screens.packaging(lang, c, st)
  local rows = {}
  for _, a in ipairs(allowed_packaging(c, st)) do
    rows[#rows + 1] = { keyboard.button(T(lang, "constructor.packaging_button",
      { name = T(lang, "rules.packaging." .. a.pk.code), price = listing.price(lang, a.product.price) }),
      keyboard.cb("b", "p", a.pk.code)) }
  end
  local text
  if #rows == 0 then
    text = T(lang, "constructor.no_packaging_fits", { count = total_stems(st) })
  else
    text = i18n.join({ so_far(lang, c, st), T(lang, "constructor.packaging_title") }, "\n\n")
  end
  rows[#rows + 1] = nav_row(lang)
  return { text = text, markup = keyboard.markup(rows) }
end

function screens.ribbon(lang, c)
  local p = by_code(c, ctor().RIBBON)
  if not p then return nil end
  return {
    text = T(lang, "constructor.ribbon_title", { price = listing.price(lang, p.price) }),
    markup = keyboard.markup {
      { keyboard.button(T(lang, "constructor.ribbon_yes"), "b:r:1"), keyboard.button(T(lang, "constructor.ribbon_no"), "b:r:0") },
      nav_row(lang),
    },
  }
end

function screens.card(lang, c, st)
  local p = by_code(c, ctor().CARD)
  if not p then return nil end
  if st.card_text then
    return {
      text = T(lang, "constructor.card_preview", { text = st.card_text }),
      markup = keyboard.markup {
        { keyboard.button(T(lang, "constructor.card_keep"), "b:ty") },
        { keyboard.button(T(lang, "constructor.card_rewrite"), "b:t"), keyboard.button(T(lang, "constructor.card_none"), "b:t0") },
        nav_row(lang),
      },
    }
  end
  return {
    text = T(lang, "constructor.card_title", { price = listing.price(lang, p.price) }),
    markup = keyboard.markup {
      { keyboard.button(T(lang, "constructor.card_write"), "b:t"), keyboard.button(T(lang, "constructor.card_none"), "b:t0") },
      nav_row(lang),
    },
  }
end

function screens.ask_card(lang, c, st, lead)
  local parts = {}
  if lead then parts[1] = lead end
  parts[#parts + 1] = T(lang, "constructor.card_ask", { max = ctor().CARD_MAX_CHARS })
  return { text = i18n.join(parts, "\n\n"), markup = keyboard.markup { nav_row(lang) } }
end

function screens.extras(lang, c, st)
  local chosen = {}
  for _, e in ipairs(st.extras) do chosen[e.product_id] = true end
  local rows = {}
  for _, p in ipairs(fitting_extras(c, st)) do
    local k = chosen[p.id] and "constructor.extra_on" or "constructor.extra_button"
    rows[#rows + 1] = { keyboard.button(T(lang, k, { name = catalog.name(lang, p), price = listing.price(lang, p.price) }),
      keyboard.cb("b", "e", p.id)) }
  end
  rows[#rows + 1] = { keyboard.button(T(lang, "constructor.to_summary"), "b:sum") }
  rows[#rows + 1] = nav_row(lang)
  return { text = T(lang, "constructor.extras_title"), markup = keyboard.markup(rows) }
end

-- The bouquet as rules/pricing.lua's one line (the shape shop/quote.lua
-- gives it), or nil when a product is gone.
local function pricing_line(c, st)
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

function screens.summary(lang, c, st, lead)
  local b = rule_bouquet(c, st)
  local line = b and pricing_line(c, st)
  if not line then return nil end
  local r = ctor().check(b)
  local q = rules.pricing.quote { lines = { line } }
  if not q then return nil end
  local parts = {}
  if lead then parts[1] = lead end
  parts[#parts + 1] = T(lang, "constructor.summary_title", { occasion = occasion_name(lang, st) })
  for i, part in ipairs(q.lines[1].parts) do
    local p = product(c, part.product_id)
    local name = p and catalog.name(lang, p) or tostring(part.product_id)
    if part.what == "stem" then
      local s = st.stems[i]
      if s and s.colour and p and #colours_of(lang, p) > 1 then
        parts[#parts + 1] = T(lang, "constructor.summary_line_colour", { name = name,
          colour = T(lang, "colour." .. s.colour), count = part.count, price = listing.price(lang, part.amount) })
      else
        parts[#parts + 1] = T(lang, "constructor.summary_line", { name = name, count = part.count, price = listing.price(lang, part.amount) })
      end
    elseif part.what == "packaging" then
      parts[#parts + 1] = T(lang, "constructor.summary_line",
        { name = T(lang, "rules.packaging." .. st.packaging), count = 1, price = listing.price(lang, part.amount) })
    else
      parts[#parts + 1] = T(lang, "constructor.summary_line", { name = name, count = part.count, price = listing.price(lang, part.amount) })
    end
  end
  if st.card_text then parts[#parts + 1] = T(lang, "constructor.summary_card", { text = st.card_text }) end
  for _, p in ipairs(r.problems) do parts[#parts + 1] = reason(lang, c, p) end
  for _, w in ipairs(r.warnings) do parts[#parts + 1] = reason(lang, c, w) end
  parts[#parts + 1] = T(lang, "constructor.summary_total", { price = listing.price(lang, q.lines[1].amount) })
  local rows = {}
  if r.ok then rows[#rows + 1] = { keyboard.button(T(lang, "constructor.add"), "b:add") } end
  rows[#rows + 1] = nav_row(lang)
  return { text = i18n.join(parts, "\n"), markup = keyboard.markup(rows) }
end

-- {======================================================================
-- Showing a step
-- =======================================================================

-- Shows view for st, remembering which message holds the constructor, and
-- saves the state. A typed answer gets a new message; the old screen goes.
local function show(ctx, st, view)
  local res
  if ctx.cq then
    res = out.show(ctx, view)
    if type(res) == "table" and res.message_id then st.msg_id = res.message_id
    elseif ctx.cq.message then st.msg_id = ctx.cq.message.message_id end
  else
    local old = st.msg_id
    res = out.show(ctx, { text = view.text, markup = view.markup, fresh = true })
    if type(res) == "table" and res.message_id then
      st.msg_id = res.message_id
      if old and old ~= st.msg_id then pcall(out.delete, ctx.chat_id, old) end
    end
  end
  save(ctx.user.id, st)
end

-- Renders st's current step (screens may say nil when the catalog changed
-- under the bouquet: then the flower step, which always works).
local function render(ctx, st, ...)
  local c = catalog.get()
  local view = screens[st.step] and screens[st.step](ctx.lang, c, st, ...)
  if not view then
    log.info("constructor step unavailable, back to flowers", { step = st.step })
    st.step, st.expect = "flower", nil
    view = screens.flower(ctx.lang, c, st)
  end
  return show(ctx, st, view)
end

local function goto_step(ctx, st, step, ...)
  st.step = step
  st.expect, st.expect_at = nil, nil
  return render(ctx, st, ...)
end

-- {======================================================================
-- Actions
-- =======================================================================

local function flower_colours(c, lang, id)
  local p = product(c, id)
  return p and colours_of(lang, p) or {}
end

-- Sets the count of the flower being chosen (st.cur), then checks the
-- stems: a refused count stays on the count screen with the reason and the
-- nearest right count as a button.
local function set_count(ctx, st, n)
  local c = catalog.get()
  local cur = st.cur
  if not cur or not product(c, cur.product_id) then return goto_step(ctx, st, "flower") end
  local max = ctor().MAX_STEMS_PER_FLOWER
  if not n or n < 1 or n > max then
    return goto_step(ctx, st, "count", { T(ctx.lang, "rules.constructor.bad_count", { max = max }) })
  end
  local found
  for _, s in ipairs(st.stems) do
    if s.product_id == cur.product_id and s.colour == cur.colour then found = s end
  end
  if found then
    found.count = n
    -- the line being changed becomes the last, so "remove last" and the
    -- suggestion act on it
    for i, s in ipairs(st.stems) do if s == found then table.remove(st.stems, i); break end end
    st.stems[#st.stems + 1] = found
  else
    st.stems[#st.stems + 1] = { product_id = cur.product_id, colour = cur.colour, count = n }
  end
  local b = rule_bouquet(c, st)
  local r = b and ctor().check_stems(b)
  if r and not r.ok then
    local lead = {}
    for _, p in ipairs(r.problems) do lead[#lead + 1] = reason(ctx.lang, c, p) end
    local suggest = r.suggest and n + r.suggest.delta
    if suggest and suggest < 1 then suggest = nil end
    return goto_step(ctx, st, "count", lead, suggest)
  end
  return goto_step(ctx, st, "more")
end

local function previous_step(c, lang, st)
  local s = st.step
  if s == "flower" then return #st.stems > 0 and "more" or "occasion" end
  if s == "colour" then return "flower" end
  if s == "count" then
    if st.expect == "count" then return "count" end
    return (st.cur and #flower_colours(c, lang, st.cur.product_id) > 1) and "colour" or "flower"
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
  if s == "summary" then return #fitting_extras(c, st) > 0 and "extras" or "card" end
  return "occasion"
end

local function to_summary(ctx, st)
  local c = catalog.get()
  if #fitting_extras(c, st) > 0 and st.step ~= "extras" then return goto_step(ctx, st, "extras") end
  return goto_step(ctx, st, "summary")
end

local function add_to_cart(ctx, st)
  local c = catalog.get()
  local b = rule_bouquet(c, st)
  local r = b and ctor().check(b)
  if not r then return goto_step(ctx, st, "summary", T(ctx.lang, "constructor.gone")) end
  if not r.ok then return goto_step(ctx, st, "summary") end
  local ok, cart = pcall(require, "shop.cart")
  if not ok then error("constructor: shop.cart is missing: " .. tostring(cart), 0) end
  local line, short = cart.add_bouquet(ctx.user.id, {
    count = 1, occasion = st.occasion, stems = st.stems, extras = st.extras,
    packaging = st.packaging, ribbon = st.ribbon == true, card_text = st.card_text,
  })
  if not line then
    local lead
    if type(short) == "table" and short.product_id then
      local p = product(c, short.product_id)
      lead = T(ctx.lang, "constructor.short",
        { name = p and catalog.name(ctx.lang, p) or tostring(short.product_id), left = short.left or 0 })
    else
      lead = T(ctx.lang, "constructor.gone")
    end
    return goto_step(ctx, st, "summary", lead)
  end
  drop(ctx.user.id)
  log.info("bouquet added", { user = ctx.user.id, line = line.id })
  return out.show(ctx, {
    text = T(ctx.lang, "constructor.added"),
    markup = keyboard.markup {
      { keyboard.button(T(ctx.lang, "constructor.go_cart"), "k"), keyboard.button(T(ctx.lang, "constructor.again"), "b") },
      { keyboard.button(T(ctx.lang, "common.menu"), "m") },
    },
  })
end

-- Button handlers by the second part of callback_data.
local ACTIONS = {}

ACTIONS.o = function(ctx, st, arg)
  local kind = arg and ctor().kind_of_occasion(arg)
  if not kind then return goto_step(ctx, st, "occasion") end
  st.occasion = arg
  st.fpage = 0
  if #st.stems > 0 then return goto_step(ctx, st, "more") end
  return goto_step(ctx, st, "flower")
end

ACTIONS.fp = function(ctx, st, arg)
  st.fpage = int(tonumber(arg)) or 0
  return goto_step(ctx, st, "flower")
end

ACTIONS.f = function(ctx, st, arg)
  local c = catalog.get()
  local p = product(c, int(tonumber(arg)))
  if not p or p.kind ~= "stem" then return goto_step(ctx, st, "flower") end
  local colours = colours_of(ctx.lang, p)
  st.cur = { product_id = p.id, colour = colours[1] }
  if #colours > 1 then
    st.cur.colour = nil
    return goto_step(ctx, st, "colour")
  end
  return goto_step(ctx, st, "count")
end

ACTIONS.c = function(ctx, st, arg)
  local c = catalog.get()
  if not st.cur then return goto_step(ctx, st, "flower") end
  local ok = false
  for _, code in ipairs(flower_colours(c, ctx.lang, st.cur.product_id)) do
    if code == arg then ok = true end
  end
  if not ok then return goto_step(ctx, st, "colour") end
  st.cur.colour = arg
  return goto_step(ctx, st, "count")
end

ACTIONS.n = function(ctx, st, arg) return set_count(ctx, st, int(tonumber(arg))) end

ACTIONS.N = function(ctx, st)
  if not st.cur then return goto_step(ctx, st, "flower") end
  st.step, st.expect, st.expect_at = "count", "count", os.time()
  return show(ctx, st, screens.ask_count(ctx.lang, catalog.get(), st))
end

ACTIONS.m = function(ctx, st)
  st.cur = nil
  return goto_step(ctx, st, "flower")
end

ACTIONS.rm = function(ctx, st)
  table.remove(st.stems)
  st.cur = nil
  return goto_step(ctx, st, #st.stems > 0 and "more" or "flower")
end

ACTIONS.pk = function(ctx, st)
  local c = catalog.get()
  local b = rule_bouquet(c, st)
  local r = b and ctor().check_stems(b)
  if not r or not r.ok then return goto_step(ctx, st, "more") end
  return goto_step(ctx, st, "packaging")
end

ACTIONS.p = function(ctx, st, arg)
  local c = catalog.get()
  for _, a in ipairs(allowed_packaging(c, st)) do
    if a.pk.code == arg then
      st.packaging = arg
      -- extras chosen for another packaging may not fit this one
      local fit = {}
      for _, p in ipairs(fitting_extras(c, st)) do fit[p.id] = true end
      local keep = {}
      for _, e in ipairs(st.extras) do if fit[e.product_id] then keep[#keep + 1] = e end end
      st.extras = keep
      return goto_step(ctx, st, "ribbon")
    end
  end
  return goto_step(ctx, st, "packaging")
end

ACTIONS.r = function(ctx, st, arg)
  if not st.packaging then return goto_step(ctx, st, "packaging") end
  st.ribbon = arg == "1"
  return goto_step(ctx, st, "card")
end

ACTIONS.t = function(ctx, st)
  st.step, st.expect, st.expect_at = "card", "card", os.time()
  return show(ctx, st, screens.ask_card(ctx.lang, catalog.get(), st))
end

ACTIONS.t0 = function(ctx, st)
  st.card_text = nil
  if not st.packaging then return goto_step(ctx, st, "packaging") end
  return to_summary(ctx, st)
end

ACTIONS.ty = function(ctx, st)
  if not st.packaging then return goto_step(ctx, st, "packaging") end
  return to_summary(ctx, st)
end

ACTIONS.e = function(ctx, st, arg)
  local c = catalog.get()
  local id = int(tonumber(arg))
  local fits = false
  for _, p in ipairs(fitting_extras(c, st)) do if p.id == id then fits = true end end
  if fits then
    local removed = false
    for i, e in ipairs(st.extras) do
      if e.product_id == id then table.remove(st.extras, i); removed = true; break end
    end
    if not removed then st.extras[#st.extras + 1] = { product_id = id, count = 1 } end
  end
  return goto_step(ctx, st, "extras")
end

ACTIONS.sum = function(ctx, st)
  if not st.packaging then return goto_step(ctx, st, "packaging") end
  return goto_step(ctx, st, "summary")
end

ACTIONS.add = function(ctx, st)
  if not st.packaging then return goto_step(ctx, st, "packaging") end
  return add_to_cart(ctx, st)
end

ACTIONS.back = function(ctx, st)
  local step = previous_step(catalog.get(), ctx.lang, st)
  return goto_step(ctx, st, step)
end

local function on_press(ctx, args)
  local action = args[2]
  if action == "x" then
    drop(ctx.user.id)
    return menu.show(ctx, T(ctx.lang, "constructor.cancelled"))
  end
  local st = load(ctx.user.id)
  if not st then
    st = fresh_state()
    if action == nil or action == "" or action == "o" then
      if action == "o" then return ACTIONS.o(ctx, st, args[3]) end
      return render(ctx, st)
    end
    -- a button of a bouquet that expired or was added already
    return goto_step(ctx, st, "occasion")
  end
  if action == nil or action == "" then
    st.expect, st.expect_at = nil, nil
    return render(ctx, st)
  end
  local fn = ACTIONS[action]
  if not fn then return render(ctx, st) end
  if not st.occasion and action ~= "o" then return goto_step(ctx, st, "occasion") end
  return fn(ctx, st, args[3])
end

-- {======================================================================
-- Typed answers
-- =======================================================================

-- "15", " 15 шт", "15 ta" -> 15; anything else nil.
local function parse_count(text)
  local digits = text:match("^%s*(%d+)%s*%S*%s*$")
  return digits and #digits <= 6 and math.tointeger(tonumber(digits)) or nil
end

function M.on_input(ctx)
  if not ctx.user then return false end
  local st = load(ctx.user.id)
  if not st or not st.expect then return false end
  if not st.expect_at or os.time() - st.expect_at > EXPECT_TTL then
    st.expect, st.expect_at = nil, nil
    save(ctx.user.id, st)
    return false
  end
  local text = ctx.msg and ctx.msg.text
  local c = catalog.get()
  if type(text) ~= "string" then
    local view = st.expect == "count" and screens.ask_count(ctx.lang, c, st, T(ctx.lang, "constructor.need_text"))
      or screens.ask_card(ctx.lang, c, st, T(ctx.lang, "constructor.need_text"))
    if view then show(ctx, st, view) end
    return true
  end
  if st.expect == "count" then
    local n = parse_count(text)
    if not n then
      local view = screens.ask_count(ctx.lang, c, st, T(ctx.lang, "constructor.not_a_number"))
      if not view then return false end
      show(ctx, st, view)
      return true
    end
    set_count(ctx, st, n)
    return true
  end
  -- the postcard: kept exactly as typed (R-D9), checked by the rule
  local problem, len = ctor().card_problem(text)
  if problem then
    local lead = T(ctx.lang, "rules.constructor." .. problem, { max = ctor().CARD_MAX_CHARS, length = len or 0 })
    show(ctx, st, screens.ask_card(ctx.lang, c, st, lead))
    return true
  end
  st.card_text = text
  goto_step(ctx, st, "card")
  return true
end

M.callbacks = { b = { fn = on_press } }

return M
