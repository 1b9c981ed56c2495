-- scripts/bot/order_notices.lua — telling people about an order's new state:
-- the florists' post edited, the couriers' post made or edited, the
-- courier's route card, the customer's news, and a cancellation to the
-- florist and courier who had the order (as rules/orders.lua's CANCEL says).
--
-- The shop announces each move as the event "order.moved" (shop/events.lua,
-- driven from the order_events row by shop/notices.lua); M.subscribe()
-- makes this module its presenter. It runs after the state change has
-- committed and never undoes it: a message Telegram refuses (a customer
-- who blocked the bot, a florist who never opened it) is logged and the
-- order goes on — except a new order's post to the florists, whose failure
-- leaves the notice owed, so the shop's sweep tries it again. Staff posts
-- are in rules.orders.STAFF_LANG; messages to one person in their own
-- language.
local i18n = require "i18n"
local log = require "log"
local config = require "config"
local rules = require "rules"
local out = require "bot.out"
local texts = require "bot.order_texts"
local events = require "shop.events"
local flow = require "shop.order_flow"

local M = {}

function M.staff_lang() return rules.orders.STAFF_LANG end

-- A chat id from the configuration: "-1001" -> -1001; "@name" stays.
function M.chat(v)
  if v == nil then return nil end
  return math.tointeger(tonumber(v)) or v
end

-- The customer's language: the order's (chosen when it was placed), else
-- their current one.
function M.customer_lang(o)
  local l = o.lang or o.customer_lang
  if i18n.valid(l) then return l end
  return i18n.DEFAULT_LANG
end

function M.person_lang(l)
  if i18n.valid(l) then return l end
  return M.staff_lang()
end

local function warn(what, o, err, code)
  log.info("order notice not delivered", { what = what, order = o.id, err = tostring(err), code = code })
end

-- {======================================================================
-- The owner, about an order nobody took
-- =======================================================================

-- Tells OWNER_CHAT_ID that order o waits for a florist since `minutes`.
-- Returns the message, or nil, err.
function M.escalate(o, minutes)
  local chat = M.chat(config.owner_chat_id)
  if not chat then return nil, "no owner chat" end
  local lang = M.staff_lang()
  local msg, err, code = out.send(lang, chat, i18n.t(lang, "flow.escalate", { id = o.id, minutes = minutes }))
  if not msg then warn("escalation", o, err, code) end
  return msg, err
end

-- {======================================================================
-- The florists' post
-- =======================================================================

-- Posts a new order to the florists' chat with [Accept], and remembers
-- where. Returns the message, or nil, err.
function M.florist_post(o, items)
  local chat = M.chat(config.florist_chat_id)
  if not chat then
    log.warn("FLORIST_CHAT_ID is not set: order not posted", { order = o.id })
    return nil, "no florist chat"
  end
  local lang = M.staff_lang()
  local msg, err, code = out.send(lang, chat, texts.florist_post(lang, o, items), texts.florist_markup(lang, o))
  if not msg then warn("florist post", o, err, code); return nil, err end
  flow.set_post(o.id, "florist", msg.chat and msg.chat.id or chat, msg.message_id)
  o.florist_chat_id, o.florist_msg_id = msg.chat and msg.chat.id or chat, msg.message_id
  return msg
end

-- Edits the post of `kind` ("florist": the florists' channel, "courier":
-- the couriers' group) to the order's state now, if it was posted.
local function edit_post(kind, o, items)
  local chat, msg_id = o[kind .. "_chat_id"], o[kind .. "_msg_id"]
  if not (chat and msg_id) then return end
  local lang = M.staff_lang()
  local ok, err, code = out.edit(lang, chat, msg_id,
    texts[kind .. "_post"](lang, o, items), texts[kind .. "_markup"](lang, o))
  if not ok then warn(kind .. " post edit", o, err, code) end
end

-- The florists' and couriers' posts edited to the order as it is now (its
-- items changed: a substitute accepted).
function M.refresh_posts(o)
  local items = flow.items(o.id)
  edit_post("florist", o, items)
  edit_post("courier", o, items)
end

-- {======================================================================
-- The couriers
-- =======================================================================

local function courier_post(o, items)
  local chat = M.chat(config.courier_chat_id)
  if not chat then
    log.warn("COURIER_CHAT_ID is not set: ready order not posted", { order = o.id })
    return
  end
  local lang = M.staff_lang()
  local msg, err, code = out.send(lang, chat, texts.courier_post(lang, o, items), texts.courier_markup(lang, o))
  if not msg then return warn("courier post", o, err, code) end
  flow.set_post(o.id, "courier", msg.chat and msg.chat.id or chat, msg.message_id)
end

-- The address and the rest, to the courier who took the order.
local function route(o)
  if not o.courier_tg_id then return end
  local lang = M.person_lang(o.courier_lang)
  local msg, err, code = out.send(lang, o.courier_tg_id, texts.route(lang, o), texts.route_markup(lang, o))
  if not msg then warn("courier route", o, err, code) end
end

-- {======================================================================
-- The customer
-- =======================================================================

local function customer(o, to, by_customer)
  if not o.customer_tg_id then return end
  local lang = M.customer_lang(o)
  local news = texts.customer_news(lang, o, to, by_customer)
  if not news then return end
  local res, err, code
  if to == "ready" and o.bouquet_photo then
    res, err, code = out.photo_id(lang, o.customer_tg_id, o.bouquet_photo, news, texts.comment_markup(lang, o))
  elseif to == "delivered" and o.delivery_photo then
    res, err, code = out.photo_id(lang, o.customer_tg_id, o.delivery_photo, news)
  else
    res, err, code = out.send(lang, o.customer_tg_id, news)
  end
  if not res then warn("customer " .. to, o, err, code) end
end

-- {======================================================================
-- A cancellation, to the staff who had the order
-- =======================================================================

-- The order's florist or courier (`who`), privately, in their language:
-- what happened and what to do with the flowers (stock: the policy's).
local function staff_cancelled(o, who, stock, actor_id)
  local tg, id = o[who .. "_tg_id"], o[who .. "_id"]
  if not tg or (actor_id and id == actor_id) then return end   -- nobody, or they did it
  local lang = M.person_lang(o[who .. "_lang"])
  local msg, err, code = out.send(lang, tg, texts.staff_cancelled(lang, o, who, stock))
  if not msg then warn(who .. " cancelled", o, err, code) end
end

-- Everything that follows the order's move to `to` (o is the order as it
-- is now). by_customer: the customer did it themselves (they are looking
-- at the screen already). cancel: for a cancellation, what rules/orders.lua
-- said of the state it left ({ stock =, tell = {...}, actor_id = }).
function M.after(o, to, by_customer, cancel)
  local items = flow.items(o.id)
  edit_post("florist", o, items)
  if to == "ready" then courier_post(o, items) end
  if to == "delivering" then route(o) end
  if to == "delivering" or to == "delivered" or to == "cancelled" then edit_post("courier", o, items) end
  if not cancel then return customer(o, to, by_customer) end
  for _, who in ipairs(cancel.tell or {}) do
    if who == "customer" then customer(o, to, by_customer)
    else staff_cancelled(o, who, cancel.stock, cancel.actor_id) end
  end
end

-- Moves after which the order goes to the florists: placed (cash), paid
-- online, or switched from online payment to cash.
local function to_florists(e)
  if e.from == nil then return e.to == "new" end
  return e.to == "paid" or (e.from == "pending" and e.to == "new")
end

-- A move as the shop announced it. An order the florists may start on
-- goes to them: false when that post failed, so the notice stays owed;
-- once it is out, a customer whose payment landed is told. An order
-- placed awaiting payment tells nobody: the customer has its pay buttons.
local function on_moved(e)
  local o = e.order
  if e.from == nil and e.to == "pending" then return true end
  if to_florists(e) then
    if o.florist_msg_id or o.status ~= e.to then return true end   -- posted, or moved on already
    if not M.florist_post(o, flow.items(o.id)) then return false end
    if e.to == "paid" then customer(o, "paid") end
    return true
  end
  M.after(o, e.to, e.by_customer, e.cancel)
  return true
end

-- An order given to someone by a manager (shop/flow/assign.lua): the
-- person it went to (e.to), or the one it was taken from (e.from), told in
-- their private chat. false when Telegram did not take it and might later
-- (down, a 5xx): the notice stays owed and the shop's sweep tries again;
-- a refusal for good (they blocked the bot) is logged and done with.
local function on_assigned(e)
  local o, role = e.order, e.role
  local user, key = e.to, "flow.assign.told." .. role
  if not user then user, key = e.from, "flow.assign.taken_away" end
  if not (user and user.tg_id) then return true end
  local lang = M.person_lang(user.lang)
  local msg, err, code = out.send(lang, user.tg_id, i18n.t(lang, key, { id = o.id, status = texts.status(lang, o.status) }))
  if msg then return true end
  warn("assigned " .. role, o, err, code)
  return out.final(code)
end

-- Makes the bot the presenter of the shop's order events (again, harmlessly).
function M.subscribe()
  events.on("order.moved", "bot", on_moved)
  events.on("order.assigned", "bot", on_assigned)
  events.on("order.unclaimed", "bot", function(e) return M.escalate(e.order, e.minutes) ~= nil end)
end

return M
