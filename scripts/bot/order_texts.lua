-- scripts/bot/order_texts.lua — what each person reads about an order, as
-- Texts from templates (topic `flow`), and the buttons that go with it.
--
-- Who learns what is the point of this file (domain.md R-D4, R-D9):
--   * the florists' post: items, slot, zone, the postcard text VERBATIM,
--     surprise — never the recipient's phone or address, never the sender;
--   * the couriers' post: slot, zone, what they carry — no address until
--     one courier has taken it;
--   * the courier who took it: recipient, phone, address, landmark, map,
--     and the sender's name only when the order is not anonymous;
--   * the customer: their order's progress, in their language.
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local listing = require "bot.listing"

local M = {}

local function t(lang, key, vars) return i18n.t(lang, key, vars) end

function M.status(lang, status) return t(lang, "flow.status." .. status) end

local function product_name(lang, item)
  return item[lang == "uz" and "name_uz" or "name_ru"] or item.name_ru
end

-- "08.03.2026, 09:00–12:00", or the words for "no date yet".
function M.slot(lang, o)
  if not o.date_text then return t(lang, "flow.slot_none") end
  if not o.slot_from then return t(lang, "flow.slot_day", { date = o.date_text }) end
  return t(lang, "flow.slot", { date = o.date_text, from = o.slot_from, to = o.slot_to or o.slot_from })
end

function M.zone(lang, code)
  if i18n.has(lang, "rules.zone." .. code) then return t(lang, "rules.zone." .. code) end
  return t(lang, "flow.code", { code = code })
end

local function occasion(lang, code)
  if i18n.has(lang, "occasion." .. code) then return t(lang, "occasion." .. code) end
  return t(lang, "flow.code", { code = code })
end

-- The constructor bouquet a row belongs to (its cart line, "b3"), or nil;
-- a catalog product's row says only options.line.
local function bouquet_of(item)
  local b = item.options.bouquet
  if type(b) == "string" or math.type(b) == "integer" then return tostring(b) end
end

-- The order's lines: products one per line, each constructor bouquet as a
-- heading with its stems and extras under it, then its own postcard text
-- (unless no_cards: the couriers need no postcard). Returns a list of
-- Texts and the set of postcard texts shown.
function M.items(lang, items, no_cards)
  local lines, groups, order, cards = {}, {}, {}, {}
  for _, it in ipairs(items) do
    local b = bouquet_of(it)
    if b then
      if not groups[b] then groups[b] = {}; order[#order + 1] = b end
      local g = groups[b]
      g[#g + 1] = it
    else
      lines[#lines + 1] = t(lang, "flow.item.line", { name = product_name(lang, it), count = it.count })
    end
  end
  for n, b in ipairs(order) do
    lines[#lines + 1] = t(lang, "flow.item.bouquet", { n = n })
    local card
    for _, it in ipairs(groups[b]) do
      lines[#lines + 1] = t(lang, "flow.item.part", { name = product_name(lang, it), count = it.count })
      local c = it.options.card_text
      if type(c) == "string" and c ~= "" then card = c end
    end
    if card and not no_cards then
      cards[card] = true
      lines[#lines + 1] = t(lang, "flow.item.card", { text = card })
    end
  end
  return lines, cards
end

-- {======================================================================
-- The florists' post
-- =======================================================================

local function state_line(lang, o)
  local s = o.status
  if s == "new" or s == "paid" or s == "pending" then return t(lang, "flow.post.state.waiting") end
  if s == "cancelled" then return M.cancelled_line(lang, o) end
  if s == "delivering" then return t(lang, "flow.post.state.delivering", { name = o.courier_name or "-" }) end
  if s == "delivered" then return t(lang, "flow.post.state.delivered") end
  return t(lang, "flow.post.state." .. s, { name = o.florist_name or "-" })
end

function M.florist_post(lang, o, items)
  local parts = { t(lang, "flow.post.title", { id = o.id }), t(lang, "flow.post.slot", { slot = M.slot(lang, o) }) }
  if o.zone then parts[#parts + 1] = t(lang, "flow.post.zone", { zone = M.zone(lang, o.zone) }) end
  if o.occasion then parts[#parts + 1] = t(lang, "flow.post.occasion", { occasion = occasion(lang, o.occasion) }) end
  parts[#parts + 1] = t(lang, "flow.post.items")
  local lines, cards = M.items(lang, items)
  for _, l in ipairs(lines) do parts[#parts + 1] = l end
  if o.card_text and o.card_text ~= "" and not cards[o.card_text] then
    parts[#parts + 1] = t(lang, "flow.post.card", { text = o.card_text })
  end
  if o.surprise then parts[#parts + 1] = t(lang, "flow.post.surprise") end
  if o.note and o.note ~= "" then parts[#parts + 1] = t(lang, "flow.post.note", { text = o.note }) end
  parts[#parts + 1] = t(lang, "flow.post.total", { price = listing.price(lang, o.total or 0) })
  parts[#parts + 1] = state_line(lang, o)
  return i18n.join(parts, "\n")
end

local FINAL = { delivered = true, cancelled = true }

-- Buttons of the florists' post for the order's state; any florist may
-- press [Accept], only the order's florist (or a manager) the next ones.
function M.florist_markup(lang, o)
  local rows = {}
  local s = o.status
  if s == "new" or s == "paid" then
    rows[#rows + 1] = { keyboard.button(t(lang, "flow.button.accept"), keyboard.cb("s", "acc", o.id)) }
  elseif s == "accepted" then
    rows[#rows + 1] = { keyboard.button(t(lang, "flow.button.assembling"), keyboard.cb("s", "asm", o.id)) }
  elseif s == "assembling" then
    rows[#rows + 1] = { keyboard.button(t(lang, "flow.button.ready"), keyboard.cb("s", "rdy", o.id)) }
  end
  if s == "accepted" or s == "assembling" then
    -- the order's florist lacks an item or finds it poor (bot/substitution.lua)
    rows[#rows + 1] = { keyboard.button(t(lang, "substitution.button.substitute"), keyboard.cb("s", "sub", o.id)) }
  end
  if not FINAL[s] then
    rows[#rows + 1] = { keyboard.button(t(lang, "flow.button.cancel"), keyboard.cb("s", "cxl", o.id)) }
  end
  if not rows[1] then return nil end   -- no buttons left: the edit removes them
  return keyboard.markup(rows)
end

-- A cancelled order's line on a post: the reason staff gave, or that the
-- customer cancelled it themselves (they are not asked for a reason).
function M.cancelled_line(lang, o)
  local reason = o.cancel_reason
  if type(reason) == "string" and reason ~= "" then
    return t(lang, "flow.post.state.cancelled", { reason = reason })
  end
  return t(lang, "flow.post.state.cancelled_by_customer")
end

-- {======================================================================
-- The couriers' post, and the courier's own card
-- =======================================================================

function M.courier_post(lang, o, items)
  -- "ready for delivery" only while it is; then the state line says the rest
  local title = o.status == "ready" and "flow.courier.title" or "flow.courier.title_taken"
  local parts = { t(lang, title, { id = o.id }), t(lang, "flow.post.slot", { slot = M.slot(lang, o) }) }
  if o.zone then parts[#parts + 1] = t(lang, "flow.post.zone", { zone = M.zone(lang, o.zone) }) end
  parts[#parts + 1] = t(lang, "flow.post.items")
  for _, l in ipairs((M.items(lang, items, true))) do parts[#parts + 1] = l end
  local s = o.status
  if s == "ready" then parts[#parts + 1] = t(lang, "flow.courier.waiting")
  elseif s == "delivering" then parts[#parts + 1] = t(lang, "flow.courier.taken", { name = o.courier_name or "-" })
  elseif s == "delivered" then parts[#parts + 1] = t(lang, "flow.post.state.delivered")
  elseif s == "cancelled" then parts[#parts + 1] = M.cancelled_line(lang, o)
  end
  return i18n.join(parts, "\n")
end

function M.courier_markup(lang, o)
  if o.status ~= "ready" then return nil end
  return keyboard.markup { { keyboard.button(t(lang, "flow.button.take"), keyboard.cb("s", "take", o.id)) } }
end

-- What the courier who took the order needs at the door.
function M.route(lang, o)
  local parts = { t(lang, "flow.route.title", { id = o.id }), t(lang, "flow.post.slot", { slot = M.slot(lang, o) }) }
  parts[#parts + 1] = t(lang, "flow.route.recipient", { name = o.recipient_name or "-", phone = o.recipient_phone or "-" })
  parts[#parts + 1] = t(lang, "flow.route.address", { address = o.address or "-" })
  if o.landmark and o.landmark ~= "" then parts[#parts + 1] = t(lang, "flow.route.landmark", { text = o.landmark }) end
  if o.lat and o.lon then
    local lat, lon = ("%.6f"):format(o.lat), ("%.6f"):format(o.lon)
    parts[#parts + 1] = t(lang, "flow.route.map", { lat = lat, lon = lon })
  end
  parts[#parts + 1] = t(lang, o.surprise and "flow.route.surprise" or "flow.route.call_first")
  if o.anonymous then parts[#parts + 1] = t(lang, "flow.route.anonymous")
  else parts[#parts + 1] = t(lang, "flow.route.sender", { name = o.customer_name or "-" }) end
  if o.payment_method == "cash" and o.payment_status == "unpaid" then
    parts[#parts + 1] = t(lang, "flow.route.cash", { price = listing.price(lang, o.total or 0) })
  elseif (o.extra_due or 0) > 0 then
    -- paid online, then a dearer substitute: its difference at the door
    parts[#parts + 1] = t(lang, "flow.route.extra_cash", { price = listing.price(lang, o.extra_due) })
  end
  return i18n.join(parts, "\n")
end

function M.route_markup(lang, o)
  return keyboard.markup {
    { keyboard.button(t(lang, "flow.button.delivered"), keyboard.cb("s", "dlv", o.id)) },
    { keyboard.button(t(lang, "flow.button.delivered_photo"), keyboard.cb("s", "dlvp", o.id)) },
  }
end

-- {======================================================================
-- The customer
-- =======================================================================

-- The customer's news for a new state, or nil when there is none to tell.
function M.customer_news(lang, o, to, by_customer)
  if to == "cancelled" then
    if by_customer then return nil end
    return t(lang, "flow.customer.cancelled", { id = o.id, reason = o.cancel_reason or "-" })
  end
  if to == "delivering" then return t(lang, "flow.customer.delivering", { id = o.id, slot = M.slot(lang, o) }) end
  if i18n.has(lang, "flow.customer." .. to) then return t(lang, "flow.customer." .. to, { id = o.id }) end
end

-- {======================================================================
-- A cancellation
-- =======================================================================

-- To the order's florist or courier (`who`), privately: the order is off,
-- why, and what to do with the flowers (`stock`, rules/orders.lua's
-- cancellation policy: "loss" — the bouquet is made and written off).
function M.staff_cancelled(lang, o, who, stock)
  local what
  if who == "courier" then what = "flow.cancel_notice.courier_back"
  elseif stock == "loss" then what = "flow.cancel_notice.florist_loss"
  else what = "flow.cancel_notice.florist_stop" end
  return i18n.join({ t(lang, "flow.cancel_notice.title", { id = o.id, reason = o.cancel_reason or "-" }),
                     t(lang, what) }, "\n")
end

-- The key of what the person who cancelled is told, by what became of
-- the stock (o.cancel_stock from order_flow).
function M.cancelled_key(o)
  if o and o.cancel_stock == "loss" then return "flow.cancelled_loss" end
  return "flow.cancelled"
end

function M.comment_markup(lang, o)
  return keyboard.markup { { keyboard.button(t(lang, "flow.button.comment"), keyboard.cb("u", "cm", o.id)) } }
end

-- The refusal `key` from order_flow with its params, as a Text in lang:
-- a param that is a {ru=, uz=} pair picks the language; `status` names
-- the state.
function M.reason(lang, key, params)
  local vars = {}
  for k, v in pairs(params or {}) do
    if type(v) == "table" then vars[k] = v[lang] or v.ru
    elseif k == "status" then vars[k] = M.status(lang, v)
    else vars[k] = v end
  end
  return t(lang, key, vars)
end

M.occasion = occasion

return M
