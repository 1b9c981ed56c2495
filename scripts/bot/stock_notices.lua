-- scripts/bot/stock_notices.lua — telling people what happened to stock:
-- an item gone below its alert threshold (the event "stock.low", to the
-- florists' chat and the owner's), a large correction proposed (to the
-- owner's chat, with [Approve] [Reject]: s:ca:<id>, s:cr:<id>, handled by
-- bot/inventory.lua) and its decision (to the proposer, privately), and
-- the day's lots near the end of their vase life ("stock.lots_ageing", to
-- the florists' chat).
--
-- All in rules.orders.STAFF_LANG but the proposer's news, which is in
-- their own language. A message Telegram refuses is logged; the alert's
-- mark in PostgreSQL is cleared again when no message went out
-- (shop/inventory/alerts.lua), so it is announced at the next check.
local i18n = require "i18n"
local log = require "log"
local config = require "config"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local notify = require "bot.order_notices"
local texts = require "bot.inventory.texts"
local events = require "shop.events"

local M = {}

local function name(lang, row) return texts.name(lang, { ru = row.name_ru, uz = row.name_uz }) end

local function code_of(row)
  if type(row.code) == "string" then return row.code end
  return "-"
end

-- {======================================================================
-- Below the threshold
-- =======================================================================

-- The alert's text and where it goes. True when at least one chat got it.
function M.low(e)
  local lang = notify.staff_lang()
  local text = i18n.t(lang, "stock.low", { name = name(lang, e), code = code_of(e), available = e.available,
                                          threshold = e.threshold, on_hand = e.on_hand })
  local sent = false
  local seen = {}
  for _, v in ipairs { config.florist_chat_id, config.owner_chat_id } do
    local chat = notify.chat(v)
    if chat and not seen[chat] then
      seen[chat] = true
      local ok, err, code = out.send(lang, chat, text, nil, true)
      if ok then sent = true
      else log.info("stock alert not delivered", { chat = chat, product = e.product_id, err = tostring(err), code = code }) end
    end
  end
  return sent
end

-- {======================================================================
-- Lots near the end of their vase life
-- =======================================================================

local function left_text(lang, left)
  if left > 0 then return i18n.t(lang, "stock.lots.left", { days = left }) end
  if left == 0 then return i18n.t(lang, "stock.lots.last") end
  return i18n.t(lang, "stock.lots.over", { days = -left })
end

function M.lots_text(lang, e)
  local parts = { i18n.t(lang, "stock.lots.title", { date = e.day, count = #e.lots }) }
  for i, l in ipairs(e.lots) do
    if i > rules.inventory.LOTS_LINES then
      parts[#parts + 1] = i18n.t(lang, "stock.lots.more", { count = #e.lots - rules.inventory.LOTS_LINES })
      break
    end
    parts[#parts + 1] = i18n.t(lang, "stock.lots.line", { name = name(lang, l), code = code_of(l),
      remaining = l.remaining, arrived = l.arrived_on, left = left_text(lang, l.left) })
  end
  return i18n.join(parts, "\n")
end

-- The day's list to the florists' chat. False when it did not go out, so
-- the job releases the day and the next check sends it again.
function M.lots(e)
  local chat = notify.chat(config.florist_chat_id)
  if not chat then return false end
  local lang = notify.staff_lang()
  local ok, err, code = out.send(lang, chat, M.lots_text(lang, e), nil, true)
  if not ok then
    log.info("lots list not delivered", { chat = chat, err = tostring(err), code = code })
    return false
  end
  return true
end

-- {======================================================================
-- A large correction
-- =======================================================================

function M.proposal_text(lang, c)
  return i18n.t(lang, "stock.proposal", { id = c.id, name = name(lang, c), code = code_of(c), delta = c.delta,
                                          who = c.proposer_name or "-", note = c.note or "-" })
end

function M.proposal_markup(lang, c)
  return keyboard.markup {
    { keyboard.button(i18n.t(lang, "stock.button.approve"), keyboard.cb("s", "ca", c.id)),
      keyboard.button(i18n.t(lang, "stock.button.reject"), keyboard.cb("s", "cr", c.id)) },
  }
end

-- The proposal with its buttons, to `chat` in `lang`.
function M.proposal(lang, chat, c)
  local ok, err, code = out.send(lang, chat, M.proposal_text(lang, c), M.proposal_markup(lang, c), true)
  if not ok then log.info("correction proposal not delivered", { chat = chat, id = c.id, err = tostring(err), code = code }) end
  return ok
end

local function proposed(e)
  local chat = notify.chat(config.owner_chat_id)
  if not chat then return false end
  return M.proposal(notify.staff_lang(), chat, e.correction) ~= nil
end

-- The proposer hears what the owner decided, in their language.
local function decided(e)
  local c = e.correction
  if not c.proposer_tg_id then return true end
  local lang = notify.person_lang(c.proposer_lang)
  local ok, err = out.send(lang, c.proposer_tg_id, i18n.t(lang, "stock.decided." .. e.state,
    { id = c.id, name = name(lang, c), delta = c.delta }), nil, true)
  if not ok then log.info("correction decision not delivered", { id = c.id, err = tostring(err) }) end
  return true
end

function M.subscribe()
  events.on("stock.low", "bot", M.low)
  events.on("stock.correction_proposed", "bot", proposed)
  events.on("stock.correction_decided", "bot", decided)
  events.on("stock.lots_ageing", "bot", M.lots)
end

return M
