-- scripts/bot/filters.lua — choosing by colour, occasion, VIP and price.
--
-- The whole choice rides in the callback data as four small numbers,
-- "colour.occasion.vip.price" (indexes into rules/catalog.lua's lists, 0 =
-- any): "f:3.1.0.2" is the filter screen with red, 8 March, any VIP, the
-- second price range. Nothing is stored per chat, and an old message's
-- buttons still work after a restart.
--
--   f:<st>          the filter screen
--   fc/fo/fp:<st>   pick a colour / occasion / price range
--   r:<st>:<page>   the products that match
local i18n = require "i18n"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local catalog = require "shop.catalog"
local listing = require "bot.listing"
local out = require "bot.out"
local menu = require "bot.menu"

local M = {}

M.EMPTY = { c = 0, o = 0, v = 0, p = 0 }

local function lists()
  local r = rules.catalog
  return r.COLOURS, r.OCCASIONS, r.PRICE_RANGES
end

function M.encode(st) return ("%d.%d.%d.%d"):format(st.c, st.o, st.v, st.p) end

-- "3.1.0.2" -> state; anything malformed or out of range -> all "any".
function M.decode(s)
  local c, o, v, p = tostring(s or ""):match("^(%d+)%.(%d+)%.(%d)%.(%d+)$")
  if not c then return M.EMPTY end
  c, o, v, p = tonumber(c), tonumber(o), tonumber(v), tonumber(p)
  local colours, occasions, prices = lists()
  if c > #colours or o > #occasions or v > 1 or p > #prices then return M.EMPTY end
  return { c = c, o = o, v = v, p = p }
end

local function with(st, field, value)
  local n = { c = st.c, o = st.o, v = st.v, p = st.p }
  n[field] = value
  return n
end

-- The filter for shop/catalog.lua.
function M.criteria(st)
  local colours, occasions, prices = lists()
  return {
    colour = st.c > 0 and colours[st.c] or nil,
    occasion = st.o > 0 and occasions[st.o] or nil,
    vip = st.v == 1 or nil,
    price = st.p > 0 and prices[st.p] or nil,
  }
end

function M.price_label(lang, range)
  if range.min and range.max then
    return i18n.t(lang, "filter.price_between",
      { from = listing.price(lang, range.min), to = listing.price(lang, range.max) })
  elseif range.max then
    return i18n.t(lang, "filter.price_upto", { to = listing.price(lang, range.max) })
  end
  return i18n.t(lang, "filter.price_from", { from = listing.price(lang, range.min or 0) })
end

-- The filter screen for state `st`; `lead` (a Text, optional) above it —
-- "nothing found" says so and offers the filters again.
function M.screen_view(ctx, st, lead)
  local lang = ctx.lang
  local colours, occasions, prices = lists()
  local any = i18n.t(lang, "filter.any")
  local enc = M.encode(st)
  local rows = {
    { keyboard.button(i18n.t(lang, "filter.colour", {
        value = st.c > 0 and i18n.t(lang, "colour." .. colours[st.c]) or any }), "fc:" .. enc) },
    { keyboard.button(i18n.t(lang, "filter.occasion", {
        value = st.o > 0 and i18n.t(lang, "occasion." .. occasions[st.o]) or any }), "fo:" .. enc) },
    { keyboard.button(i18n.t(lang, "filter.price", {
        value = st.p > 0 and M.price_label(lang, prices[st.p]) or any }), "fp:" .. enc) },
    { keyboard.button(i18n.t(lang, st.v == 1 and "filter.vip_on" or "filter.vip_off"),
        "f:" .. M.encode(with(st, "v", 1 - st.v))) },
    { keyboard.button(i18n.t(lang, "filter.show"), keyboard.cb("r", enc, 0)) },
    { keyboard.button(i18n.t(lang, "filter.reset"), "f:" .. M.encode(M.EMPTY)),
      menu.back_row(ctx)[1] },
  }
  local body = i18n.t(lang, "filter.title")
  if lead then body = i18n.join({ lead, body }, "\n\n") end
  return { text = body, markup = keyboard.markup(rows) }
end

-- "f[:<st>]"
function M.on_screen(ctx, args)
  return out.show(ctx, M.screen_view(ctx, M.decode(args[2])))
end

-- A picker: one button per choice plus "any", each back to the screen.
local function picker(ctx, st, field, title_key, choices, label)
  local lang = ctx.lang
  local rows = { { keyboard.button(i18n.t(lang, "filter.any_choice"), "f:" .. M.encode(with(st, field, 0))) } }
  local row = {}
  for i, choice in ipairs(choices) do
    row[#row + 1] = keyboard.button(label(choice), "f:" .. M.encode(with(st, field, i)))
    if #row == 2 then rows[#rows + 1] = row; row = {} end
  end
  if #row > 0 then rows[#rows + 1] = row end
  rows[#rows + 1] = { keyboard.button(i18n.t(lang, "common.back"), "f:" .. M.encode(st)) }
  return out.show(ctx, { text = i18n.t(lang, title_key), markup = keyboard.markup(rows) })
end

function M.on_pick_colour(ctx, args)
  local colours = lists()
  return picker(ctx, M.decode(args[2]), "c", "filter.pick_colour", colours,
    function(code) return i18n.t(ctx.lang, "colour." .. code) end)
end

function M.on_pick_occasion(ctx, args)
  local _, occasions = lists()
  return picker(ctx, M.decode(args[2]), "o", "filter.pick_occasion", occasions,
    function(code) return i18n.t(ctx.lang, "occasion." .. code) end)
end

function M.on_pick_price(ctx, args)
  local _, _, prices = lists()
  return picker(ctx, M.decode(args[2]), "p", "filter.pick_price", prices,
    function(range) return M.price_label(ctx.lang, range) end)
end

-- "r:<st>:<page>"
function M.on_results(ctx, args)
  local lang = ctx.lang
  local st = M.decode(args[2])
  local found = catalog.filter(M.criteria(st))
  if #found == 0 then
    return out.show(ctx, M.screen_view(ctx, st, i18n.t(lang, "filter.nothing")))
  end
  local enc = M.encode(st)
  return out.show(ctx, listing.view {
    lang = lang, items = found, page = args[3],
    item = function(p) return listing.product_item(lang, p) end,
    header = i18n.t(lang, "filter.found", { count = #found }),
    page_data = function(n) return keyboard.cb("r", enc, n) end,
    rows = { { keyboard.button(i18n.t(lang, "filter.change"), "f:" .. enc), menu.back_row(ctx)[1] } },
  })
end

return M
