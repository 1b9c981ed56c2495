-- scripts/bot/reminders.lua — the reminder before the same date next year
-- of an order made for an occasion, and its one-tap repeat, as Telegram
-- shows them. A feature module (see bot/router.lua); the domain is
-- shop/reminders.lua and shop/reminders/repeat.lua.
--
--   rm:i:<order id>      remind me next year (from "📦 My orders")
--   rm:o:<reminder id>   stop reminding (My orders, or the reminder itself)
--   rm:r:<reminder id>   repeat the order: its lines into the cart, what
--                        was replaced said, then the cart or the checkout
--
-- tick() is the reminders' job (a timer of bot/init.lua): each reminder
-- due is claimed by one process and sent in the customer's language.
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local due_job = require "bot.due_job"
local menu = require "bot.menu"
local texts = require "bot.order_texts"
local checkout = require "bot.checkout"
local rules = require "rules"
local catalog = require "shop.catalog"
local reminders = require "shop.reminders"
local repeat_order = require "shop.reminders.repeat"

local M = {}

local function t(lang, k, vars) return i18n.t(lang, k, vars) end

-- "8 March" from "YYYY-MM-DD"
local function day_of(lang, date)
  local _, m, d = date:match("^(%d+)-(%d+)-(%d+)$")
  return t(lang, "reminders.day", { day = tonumber(d), month = t(lang, "checkout.month.m" .. tonumber(m)) })
end

-- The reminder's button for "📦 My orders" (bot/orders.lua), or nil when
-- order o is not one to remember (not delivered, no occasion).
function M.row(ctx, o)
  if o.status ~= "delivered" then return nil end
  local offer = reminders.offer(ctx.user, o.id)
  if not offer then return nil end
  local r = offer.reminder
  if r and r.active and not r.sent and not r.skipped then
    return { keyboard.button(t(ctx.lang, "reminders.off_button", { date = day_of(ctx.lang, r.remind_for) }),
      keyboard.cb("rm", "o", r.id)) }
  end
  return { keyboard.button(t(ctx.lang, "reminders.on_button"), keyboard.cb("rm", "i", o.id)) }
end

local JOB = {
  name = "reminder", due = function() return reminders.due() end, sent = reminders.sent, release = reminders.release,
  message = function(lang, r)
    return t(lang, "reminders.due", { occasion = texts.occasion(lang, r.occasion),
      date = day_of(lang, r.remind_for), id = r.order_id }), keyboard.markup {
      { keyboard.button(t(lang, "reminders.repeat"), keyboard.cb("rm", "r", r.id)) },
      { keyboard.button(t(lang, "reminders.stop"), keyboard.cb("rm", "o", r.id)) },
    }
  end,
}

function M.tick() due_job.run(JOB) end

local function say(ctx, text, rows)
  rows = rows or {}
  rows[#rows + 1] = menu.back_row(ctx)
  return out.show(ctx, { text = text, markup = keyboard.markup(rows), fresh = true })
end

local function opt_in(ctx, order_id)
  local r, why = reminders.opt_in(ctx.user, order_id)
  if not r then return say(ctx, t(ctx.lang, why)) end
  return say(ctx, t(ctx.lang, "reminders.on", { date = day_of(ctx.lang, r.remind_for),
    days = rules.reminders.DAYS_BEFORE }),
    { { keyboard.button(t(ctx.lang, "reminders.stop"), keyboard.cb("rm", "o", r.id)) } })
end

local function opt_out(ctx, id)
  local r, why = reminders.opt_out(ctx.user, id)
  if not r then return say(ctx, t(ctx.lang, why)) end
  return say(ctx, t(ctx.lang, "reminders.off"))
end

-- The lines put into the cart, what replaced what, what could not come.
local function repeat_text(lang, shown, missing)
  local parts = { t(lang, #shown > 0 and "reminders.filled" or "reminders.nothing") }
  for _, s in ipairs(shown) do
    if s.kind == "bouquet" and not s.product then
      parts[#parts + 1] = t(lang, "reminders.line_bouquet", { occasion = texts.occasion(lang, s.occasion or "") })
    elseif s.instead_of then
      parts[#parts + 1] = t(lang, "reminders.line_instead", { name = catalog.name(lang, s.product),
        count = s.count, was = catalog.name(lang, s.instead_of) })
    elseif s.kind == "product" then
      parts[#parts + 1] = t(lang, "reminders.line", { name = catalog.name(lang, s.product), count = s.count })
    end
  end
  for _, p in ipairs(missing) do
    parts[#parts + 1] = t(lang, "reminders.line_missing", { name = catalog.name(lang, p) })
  end
  return i18n.join(parts, "\n")
end

local function repeat_press(ctx, id)
  local r = reminders.get(ctx.user, id)
  if not r then return say(ctx, t(ctx.lang, "reminders.refused.not_found")) end
  local shown, missing = repeat_order.fill(ctx.user.id, r.order_id)
  local rows = {}
  if #shown > 0 then
    rows[1] = { keyboard.button(t(ctx.lang, "reminders.to_cart"), "k"),
                checkout.button(ctx.lang) }
  end
  return say(ctx, repeat_text(ctx.lang, shown, missing), rows)
end

local function on_press(ctx, args)
  local id = math.tointeger(tonumber(args[3]))
  if not id then return out.answer(ctx, t(ctx.lang, "common.stale")) end
  if args[2] == "i" then return opt_in(ctx, id) end
  if args[2] == "o" then return opt_out(ctx, id) end
  if args[2] == "r" then return repeat_press(ctx, id) end
  return out.answer(ctx, t(ctx.lang, "common.stale"))
end

M.callbacks = {
  rm = { fn = on_press },
}

return M
