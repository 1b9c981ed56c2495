-- scripts/bot/constructor/screens.lua — every screen of the bouquet
-- constructor: its text and its keyboard, drawn from the bouquet in
-- progress (bot/constructor/state.lua) and the catalog, and how a screen
-- is put into the chat.
--
-- A screen is `screens.<step>(lang, c, st, ...) -> { text =, markup = }`,
-- or nil when the catalog changed under the bouquet. Drawing changes and
-- sends nothing; only show (render and goto_step end in it) sends, and
-- saves the state with the message's id.
--
-- Every button carries prefix "b" (the table of them is in
-- bot/constructor.lua); every screen but the first ends with Back and
-- Cancel.
local i18n = require "i18n"
local log = require "log"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local catalog = require "shop.catalog"
local listing = require "bot.listing"
local state = require "bot.constructor.state"
local model = require "bot.constructor.model"

-- Rules are hot-reloaded: always ask for the current generation.
local function ctor() return rules.constructor end

local product, by_code, colours_of = model.product, model.by_code, model.colours_of
local stems_of, rule_bouquet, total_stems = model.stems_of, model.rule_bouquet, model.total_stems
local allowed_packaging, fitting_extras, pricing_line = model.allowed_packaging, model.fitting_extras, model.pricing_line

local function T(lang, k, vars) return i18n.t(lang, k, vars) end

-- {======================================================================
-- Pieces the screens share
-- =======================================================================

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
  for _, n in ipairs(model.quick_counts(c, st)) do
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
    view.keep = true
    res = out.show(ctx, view)
    if type(res) == "table" and res.message_id then st.msg_id = res.message_id
    elseif ctx.cq.message then st.msg_id = ctx.cq.message.message_id end
  else
    -- A typed answer: the new screen is sent first, and the old one is
    -- deleted only once the new one is there. Should the send fail (a
    -- network fault, a flood limit past its retries), the customer keeps
    -- the old screen and its buttons instead of being left with no
    -- constructor at all; and at no moment is there no screen. The cost is
    -- a moment with two, the old above the typed answer.
    local old = st.msg_id
    res = out.show(ctx, { text = view.text, markup = view.markup, fresh = true, keep = true })
    if type(res) == "table" and res.message_id then
      st.msg_id = res.message_id
      if old and old ~= st.msg_id then pcall(out.delete, ctx.chat_id, old) end
    end
  end
  state.save(ctx.user.id, st)
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

return {
  ask_count = screens.ask_count,
  ask_card = screens.ask_card,
  -- not a screen: bot/constructor.lua says with it why a count was refused
  reason = reason,
  show = show,
  render = render,
  goto_step = goto_step,
}
