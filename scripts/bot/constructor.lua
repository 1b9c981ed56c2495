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
-- even for mourning — the quick count buttons come from the same rule —
-- stems per packaging, which extras fit, the postcard's length), which
-- flowers are in season today rules/season.lua's (others are not offered,
-- and the cart refuses them); what it costs is rules/pricing.lua's (the same quote the cart
-- uses, for this one bouquet line). The constructor only asks and shows,
-- in four files:
--   bot/constructor.lua          this feature module: what a button or a
--                                typed answer does to the bouquet
--   bot/constructor/state.lua    the bouquet in progress, in Redis
--   bot/constructor/model.lua    the catalog as the constructor sees it;
--                                the bouquet as the rules take it
--   bot/constructor/screens.lua  every screen (text and keyboard), and
--                                showing one in the chat
--
-- The bouquet in progress lives in Redis, not in this process, so the
-- menu's "b" button resumes it where the customer left. Every button edits
-- the one message of the constructor; a typed answer (a count, the
-- postcard) gets a fresh message and the old one is deleted, so the chat
-- keeps one screen of it. Typed text is taken (on_input) only while the
-- state expects it, and only for EXPECT_TTL seconds after the question.
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
local log = require "log"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local menu = require "bot.menu"
local catalog = require "shop.catalog"
local cart = require "shop.cart"
local season = require "shop.season"
local season_text = require "bot.season"
local state = require "bot.constructor.state"
local model = require "bot.constructor.model"
local screens = require "bot.constructor.screens"

local M = {}

local EXPECT_TTL = 30 * 60    -- a typed answer is awaited this long

-- Rules are hot-reloaded: always ask for the current generation.
local function ctor() return rules.constructor end

local function int(v) return math.tointeger(v) end

local function T(lang, k, vars) return i18n.t(lang, k, vars) end

local product, colours_of, flower_colours = model.product, model.colours_of, model.flower_colours
local rule_bouquet, fitting_extras, allowed_packaging = model.rule_bouquet, model.fitting_extras, model.allowed_packaging
local show, render, goto_step, reason = screens.show, screens.render, screens.goto_step, screens.reason

-- {======================================================================
-- Actions
-- =======================================================================

-- Sets the count of the flower being chosen (st.cur), then checks the
-- stems: a refused count stays on the count screen with the reason and the
-- nearest right count as a button.
-- A flower out of season (rules/season.lua) is not offered; one chosen
-- before its season ended (an old button, a bouquet left overnight) is
-- refused with a toast and the flowers shown again. True when refused.
local function off_season(ctx, st, c, p)
  local ok, out_of = season.sellable(c, p)
  if ok then return false end
  out.answer(ctx, season_text.not_now(ctx.lang, out_of))
  st.cur = nil
  goto_step(ctx, st, "flower")
  return true
end

local function set_count(ctx, st, n)
  local c = catalog.get()
  local cur = st.cur
  local cp = cur and product(c, cur.product_id)
  if not cp then return goto_step(ctx, st, "flower") end
  if off_season(ctx, st, c, cp) then return end
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
  local line, short, out_of_season = cart.add_bouquet(ctx.user.id, {
    count = 1, occasion = st.occasion, stems = st.stems, extras = st.extras,
    packaging = st.packaging, ribbon = st.ribbon == true, card_text = st.card_text,
  })
  if not line then
    local lead
    if short == "season" then
      lead = season_text.not_now(ctx.lang, out_of_season)
    elseif type(short) == "table" and short.product_id then
      local p = product(c, short.product_id)
      lead = T(ctx.lang, "constructor.short",
        { name = p and catalog.name(ctx.lang, p) or tostring(short.product_id), left = short.left or 0 })
    else
      lead = T(ctx.lang, "constructor.gone")
    end
    return goto_step(ctx, st, "summary", lead)
  end
  state.drop(ctx.user.id)
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
  if off_season(ctx, st, c, p) then return end
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
  local step = model.previous_step(catalog.get(), ctx.lang, st)
  return goto_step(ctx, st, step)
end

local function on_press(ctx, args)
  local action = args[2]
  if action == "x" then
    state.drop(ctx.user.id)
    return menu.show(ctx, T(ctx.lang, "constructor.cancelled"))
  end
  local st = state.load(ctx.user.id)
  if not st then
    st = state.fresh()
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

-- The Redis key on_input reads (bot/prefetch.lua).
function M.input_keys(ctx) return ctx.user and { state.key(ctx.user.id) } or {} end

function M.on_input(ctx)
  if not ctx.user then return false end
  local st = state.load(ctx.user.id)
  if not st or not st.expect then return false end
  if not st.expect_at or os.time() - st.expect_at > EXPECT_TTL then
    st.expect, st.expect_at = nil, nil
    state.save(ctx.user.id, st)
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
