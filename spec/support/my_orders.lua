-- spec/support/my_orders.lua — a customer in "📦 My orders" as they go there
-- in the bot: /menu, the list, one order's details; and from a delivered
-- order's details, its claim button (the bot asks for the photo).
local bot = require "support.bot"
local i18n = require "i18n"

local M = {}

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

-- "📦 My orders" -> the details of order `id`: the first message after the
-- press that satisfies pred (default: a delivered order's title, in Russian).
function M.details(u, id, pred)
  u:mark_seen()
  u:command("/menu")
  local menu = u:wait_message(function(m)
    for _, x in ipairs(bot.buttons(m)) do if x.callback_data == "u" then return true end end
  end, 10)
  u:press(menu, "u")
  local list = u:wait_message(function(m) return m.message_id == menu.message_id end, 10)
  u:press(list, "u:o:" .. id)
  return u:wait_message(pred or bot.says(T("ru", "orders.detail.title",
    { id = id, status = i18n.str(require("bot.order_texts").status("ru", "delivered")) })), 10)
end

-- The details of delivered order `id`, then its claim button: the bot
-- waits for the photo.
function M.claim(u, id)
  local m = M.details(u, id)
  u:press(m, "cl:" .. id)
  u:wait_message(bot.says(T("ru", "feedback.claim.prompt", { id = id })), 10)
end

return M
