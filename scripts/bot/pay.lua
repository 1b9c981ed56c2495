-- scripts/bot/pay.lua — the customer's side of paying online: the pay
-- buttons of an order awaiting payment (a URL button per provider the shop
-- has connected, its link built by shop.payments, the chosen provider
-- first; and "cash instead"), the news that an attempt failed, and the
-- switch to cash. A feature module (bot/router.lua):
--
--   y:c:<id>    pay order <id> in cash instead (shop.payments.to_cash)
--   y:p:<id>    the pay buttons again (from "My orders")
local i18n = require "i18n"
local log = require "log"
local keyboard = require "bot.keyboard"
local listing = require "bot.listing"
local out = require "bot.out"
local menu = require "bot.menu"
local payments = require "shop.payments"
local flow = require "shop.order_flow"
local events = require "shop.events"
local notices = require "bot.order_notices"

local M = {}

-- Brand names, the same in every language.
M.LABEL = { payme = "Payme", click = "Click" }

-- The pay buttons of order o ({id, total, payment_method}) in lang, as rows.
function M.rows(lang, o)
  local list = payments.offer()
  table.sort(list, function(a, b)
    if a == o.payment_method then return true end
    if b == o.payment_method then return false end
    return a < b
  end)
  local rows = {}
  for _, p in ipairs(list) do
    local url, why = payments.link(p, o, { lang = lang })
    if url then
      rows[#rows + 1] = { keyboard.url_button(i18n.t(lang, "payments.pay.button",
        { provider = M.LABEL[p], total = listing.price(lang, o.total) }), url) }
    else
      log.warn("payment link not made", { order = o.id, provider = p, why = why })
    end
  end
  rows[#rows + 1] = { keyboard.button(i18n.t(lang, "payments.pay.cash"), keyboard.cb("y", "c", o.id)) }
  return rows
end

-- The order's pay screen: `lead` (a Text), the pay buttons, my orders and menu.
local function screen(ctx, o, lead)
  local rows = M.rows(ctx.lang, o)
  rows[#rows + 1] = { keyboard.button(i18n.t(ctx.lang, "checkout.my_orders"), "u"), menu.back_row(ctx)[1] }
  return out.show(ctx, { text = lead, markup = keyboard.markup(rows), fresh = true })
end

local WHY = { paid = "payments.pay.already_paid", being_paid = "payments.pay.being_paid" }

local function on_press(ctx, args)
  local what, id = args[2], math.tointeger(tonumber(args[3]))
  local o = id and flow.get(id)
  if not (o and o.customer_id == ctx.user.id) then
    return out.show(ctx, { text = i18n.t(ctx.lang, "orders.not_found"), markup = keyboard.markup { menu.back_row(ctx) } })
  end
  if what == "c" then
    local done, why = payments.to_cash(id, ctx.user)
    if not done then
      return out.show(ctx, { text = i18n.t(ctx.lang, WHY[why] or "payments.pay.gone"),
                             markup = keyboard.markup { menu.back_row(ctx) }, fresh = true })
    end
    return out.show(ctx, { text = i18n.t(ctx.lang, "payments.pay.to_cash", { id = id, total = listing.price(ctx.lang, o.total) }),
      markup = keyboard.markup { { keyboard.button(i18n.t(ctx.lang, "checkout.my_orders"), "u"), menu.back_row(ctx)[1] } } })
  end
  if o.status ~= "pending" or o.payment_status ~= "pending" then
    return out.show(ctx, { text = i18n.t(ctx.lang, "payments.pay.gone"), markup = keyboard.markup { menu.back_row(ctx) } })
  end
  return screen(ctx, o, i18n.t(ctx.lang, "payments.pay.waiting", { id = id, total = listing.price(ctx.lang, o.total) }))
end

M.callbacks = { y = { fn = on_press } }

-- A failed attempt, as the shop announced it: the customer may try again
-- or pay in cash. A message Telegram refuses is logged (as every news to
-- a customer); only a process dying before it leaves it owed.
local function on_failed(e)
  local o = e.order
  if not o.customer_tg_id then return true end
  local lang = notices.customer_lang(o)
  local rows = M.rows(lang, o)
  rows[#rows + 1] = { keyboard.button(i18n.t(lang, "orders.cancel"), keyboard.cb("u", "cx", o.id)) }
  local msg, err, code = out.send(lang, o.customer_tg_id, i18n.t(lang, "payments.pay.failed", { id = o.id }),
    keyboard.markup(rows))
  if not msg then log.info("payment news not delivered", { order = o.id, err = tostring(err), code = code }) end
  return true
end

-- What the owner must know of payments: a product no online payment can
-- include until its fiscal codes are in the catalog.
local function on_notice(e)
  if e.kind ~= "no_fiscal_code" then return true end
  local chat = notices.chat(require("config").owner_chat_id)
  if not chat then return true end
  local lang = notices.staff_lang()
  local names = {}
  for i, p in ipairs(type(e.detail) == "table" and e.detail.products or {}) do
    names[i] = ((lang == "uz" and p.name_uz or p.name_ru) or p.code or tostring(p.id)) .. (p.code and (" (" .. p.code .. ")") or "")
  end
  local msg, err = out.send(lang, chat, i18n.t(lang, "payments.owner.no_fiscal_code",
    { id = e.order_id, products = table.concat(names, ", ") }))
  if not msg then log.warn("payment notice not delivered", { order = e.order_id, err = tostring(err) }) end
  return msg ~= nil
end

function M.subscribe()
  events.on("payment.failed", "bot", on_failed)
  events.on("payment.notice", "bot", on_notice)
end

return M
