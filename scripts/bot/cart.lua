-- scripts/bot/cart.lua — the cart in the chat: "add to cart" on a product
-- card, and the cart view with its buttons. (A feature module: see
-- scripts/bot/router.lua for what it exports.)
--
-- Buttons (callback_data):
--   a:<product_id>    add one to the cart (every product card has it); the
--                     answer is a toast, the card stays as it is
--   k                 the cart view (the menu's button; /cart sends it fresh)
--   k:i:<line_id>     one more       k:d:<line_id>   one less
--   k:r:<line_id>     remove the line    k:x          empty the cart
--   o:start           checkout (bot/checkout.lua handles it)
-- Every press edits the same message, and renews the reservation
-- (cart.touch): a customer who is working on the cart keeps its stock.
--
-- The view: the items with their options and the price breakdown
-- (bot/breakdown.lua; delivery is priced at checkout, when the address is
-- known), then one row per line: [-] [n: xcount] [+] [remove]. A cart whose
-- reservation lapsed is empty; the view says so once (shop/cart.lua).
local i18n = require "i18n"
local engine = require "engine"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local breakdown = require "bot.breakdown"
local cart = require "shop.cart"
local quote = require "shop.quote"
local season_text = require "bot.season"
local recommend = require "shop.recommend"
local card = require "bot.card"

local M = {}

engine.help("guldasta_cart_adds_total", "counter", "presses of 'add to cart', by result")

local function t(ctx, key, vars) return i18n.t(ctx.lang, key, vars) end

local function minutes() return math.max(1, (cart.ttl() + 59) // 60) end

-- {======================================================================
-- The view
-- =======================================================================

local function empty_view(ctx, lead)
  local parts = {}
  if lead then parts[#parts + 1] = lead end
  if cart.lapsed(ctx.user.id) then parts[#parts + 1] = t(ctx, "cart.lapsed", { minutes = minutes() }) end
  parts[#parts + 1] = t(ctx, "cart.empty")
  parts[#parts + 1] = t(ctx, "cart.empty_hint")
  return {
    text = i18n.join(parts, "\n\n"),
    markup = keyboard.markup({
      { keyboard.button(t(ctx, "cart.catalog"), "c:0:0") },
      { keyboard.button(t(ctx, "common.menu"), "m") },
    }),
  }
end

-- The postcard's text under its bouquet, verbatim.
local function card_texts(ctx, c)
  local under = {}
  for _, l in ipairs(c.lines) do
    if l.card_text then under[l.id] = { t(ctx, "cart.card_text", { text = l.card_text }) } end
  end
  return under
end

local function line_row(ctx, n, ql)
  return {
    keyboard.button(t(ctx, "cart.dec"), keyboard.cb("k", "d", ql.id)),
    keyboard.button(t(ctx, "cart.line_label", { n = n, count = math.tointeger(ql.count) or ql.count }), "n"),
    keyboard.button(t(ctx, "cart.inc"), keyboard.cb("k", "i", ql.id)),
    keyboard.button(t(ctx, "cart.remove"), keyboard.cb("k", "r", ql.id)),
  }
end

function M.view(ctx)
  local uid = ctx.user.id
  local c = cart.get(uid)
  if #c.lines == 0 then return empty_view(ctx) end
  local q, reason = quote.of(c)
  local lead
  if q and #q.unavailable > 0 then
    -- taken off sale since it was added: out of the cart, stock given back
    for _, id in ipairs(q.unavailable) do cart.remove(uid, id) end
    lead = t(ctx, "cart.removed_unavailable")
    c = cart.get(uid)
    if #c.lines == 0 then return empty_view(ctx, lead) end
    q, reason = quote.of(c)
  end
  local parts = { t(ctx, "cart.title") }
  if lead then parts[#parts + 1] = lead end
  local rows = {}
  if q then
    parts[#parts + 1] = i18n.join(breakdown.lines(ctx.lang, q, card_texts(ctx, c)), "\n")
    for n, ql in ipairs(q.lines) do rows[#rows + 1] = line_row(ctx, n, ql) end
  else
    local key = type(reason) == "string" and i18n.has(ctx.lang, reason) and reason or "cart.price_failed"
    parts[#parts + 1] = t(ctx, key)
  end
  parts[#parts + 1] = t(ctx, "cart.delivery_later")
  parts[#parts + 1] = t(ctx, "cart.held", { minutes = minutes() })
  -- suggestions before checkout, each opening its product's card
  for _, r in ipairs(card.suggestion_rows(ctx.lang, recommend.for_cart(ctx.user, c))) do rows[#rows + 1] = r end
  if q then rows[#rows + 1] = { keyboard.button(t(ctx, "cart.checkout"), "o:start") } end
  rows[#rows + 1] = { keyboard.button(t(ctx, "cart.clear"), "k:x") }
  rows[#rows + 1] = { keyboard.button(t(ctx, "cart.catalog"), "c:0:0"), keyboard.button(t(ctx, "common.menu"), "m") }
  return { text = i18n.join(parts, "\n\n"), markup = keyboard.markup(rows) }
end

-- {======================================================================
-- Presses
-- =======================================================================

-- The toast for stock that fell short (shop/cart.lua's short).
local function short_text(ctx, short)
  if short.left and short.left > 0 then return t(ctx, "cart.only_left", { count = short.left }) end
  if short.mine and short.mine > 0 then return t(ctx, "cart.only_yours", { count = short.mine }) end
  return t(ctx, "cart.sold_out")
end

-- "a:<product_id>"
function M.on_add(ctx, args)
  local id = math.tointeger(tonumber(args[2]))
  local line, err, out_of_season
  if id then line, err, out_of_season = cart.add_product(ctx.user.id, id, 1) else err = "gone" end
  if line then
    engine.counter("guldasta_cart_adds_total", 'result="ok"', 1)
    return out.answer(ctx, t(ctx, "cart.added", { count = line.count }))
  end
  if err == "gone" then
    engine.counter("guldasta_cart_adds_total", 'result="gone"', 1)
    return out.answer(ctx, t(ctx, "cart.gone"))
  end
  if err == "season" then
    engine.counter("guldasta_cart_adds_total", 'result="season"', 1)
    return out.answer(ctx, season_text.not_now(ctx.lang, out_of_season))
  end
  engine.counter("guldasta_cart_adds_total", 'result="short"', 1)
  return out.answer(ctx, short_text(ctx, err))
end

local CHANGE = { i = 1, d = -1 }

-- "k", "k:i|d|r:<line_id>", "k:x"
function M.on_press(ctx, args)
  local uid = ctx.user.id
  local action, line_id = args[2], args[3]
  cart.touch(uid)
  local toast
  if CHANGE[action] and line_id then
    local line, err, out_of_season = cart.change(uid, line_id, CHANGE[action])
    if err == "season" then
      toast = season_text.not_now(ctx.lang, out_of_season)
    elseif not line then
      toast = type(err) == "table" and short_text(ctx, err) or t(ctx, "cart.line_gone")
    end
  elseif action == "r" and line_id then
    if not cart.remove(uid, line_id) then toast = t(ctx, "cart.line_gone") end
  elseif action == "x" then
    cart.clear(uid)
    toast = t(ctx, "cart.cleared")
  end
  if toast then out.answer(ctx, toast) end
  return out.show(ctx, M.view(ctx))
end

-- /cart: the view as a new message.
function M.on_command(ctx)
  cart.touch(ctx.user.id)
  local v = M.view(ctx)
  v.fresh = true
  return out.show(ctx, v)
end

M.callbacks = {
  a = { fn = M.on_add },
  k = { fn = M.on_press },
}
M.commands = {
  cart = { fn = M.on_command },
}

return M
