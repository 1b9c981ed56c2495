-- scripts/shop/order_flow.lua — an order's life after it is placed
-- (DESIGN.md §4): who may move it from one state to the next, what each
-- move writes, and who is told.
--
--   flow.placed(order_id) -> true | false | nil, err
--       delivers the new order's notices (the bot posts it to the
--       florists with [Accept]). Checkout calls it after its commit.
--   flow.transition(order_id, to_status, actor_user, opts) -> order | nil, reason_key, params
--       opts.photo (file_id: required for ready, optional for delivered),
--       opts.reason (a cancellation by the shop). reason_key is a template
--       key (flow.refused.*); params fill it (texts.reason renders both).
--   flow.accept(order_id, florist_user)   first florist wins
--   flow.take(order_id, courier_user)     first courier wins
--   flow.cancel(order_id, actor_user, reason)
--       the order it returns says what became of the stock: o.cancel_stock
--       "release" | "return" | "loss" (rules/orders.lua's CANCEL)
--   flow.check(order_id, to_status, actor_user, opts) -> true | nil, reason_key, params
--       the same checks without the move: [Ready] asks for the photo, and a
--       manager's [Cancel] for the reason, only when the move is allowed
--       (opts.photo_later / opts.reason_later: "it will come").
--   flow.get(order_id) -> order | nil;  flow.items(order_id) -> items
--   flow.move_in(tx, order_id, to_status, actor_user, opts) -> res
--   flow.after_move(order_id, to_status, actor_user, res) -> order
--       a move inside the caller's transaction (a payment and the
--       order's status in one commit), then what follows it once committed
--
-- Every move is one transaction: the order row locked (SELECT … FOR
-- UPDATE), the state checked against TRANSITIONS, the order updated with
-- its *_at column, an order_events row (from, to, actor, note) — and, for
-- acceptance, the stock written off with inventory_log 'sale' rows; for a
-- cancellation, the stock settled as rules/orders.lua's CANCEL says for
-- the state left (the reservation let go; the stems returned; or, once
-- assembly started, the sale reversed and the stems booked as 'loss'),
-- and the people it names told in their private chats. The lock is what
-- makes "first wins" true: the second presser waits for the first commit,
-- then finds the order taken and is refused, naming who took it.
--
-- A cancellation gives the delivery window's place back in the same
-- transaction (shop.slot_book). After the commit: the
-- Redis mirror of stock (shop.stock: written_off / returned /
-- release "o:<id>"), the metric, and the notices: the move's order_events
-- row is delivered as the event "order.moved" (shop/notices.lua), which
-- the bot presents (bot/order_notices.lua). None of those can undo the move.
local log = require "log"
local pg = require "pg"
local redis = require "redis"
local engine = require "engine"
local rules = require "rules"
local users = require "shop.users"
local store = require "shop.flow.store"
local events = require "shop.events"
local notices = require "shop.notices"
local stock = require "shop.stock"
local alerts = require "shop.inventory.alerts"
local slot_book = require "shop.slot_book"
local promo = require "shop.promo"
local refunds = require "shop.payments.refunds"

local M = {}

-- {======================================================================
-- Who may do what
-- =======================================================================

-- TRANSITIONS[from][to] = who may make that move:
--   florist      any florist (the first one wins)
--   own_florist  the order's florist, or a manager
--   courier      any courier (the first one wins)
--   own_courier  the order's courier
--   cancel       the customer before a florist has it (new, pending, paid);
--                a manager later, with a reason
--   system       no person: payments, timers (a timer may also cancel, with
--                a reason: an unpaid order whose hold ran out)
-- Owners pass every role check (shop/users.lua), but "the order's florist"
-- is a fact about the order, not a role: an owner acts there as a manager.
-- Nothing leaves delivered or cancelled.
M.TRANSITIONS = {
  new        = { accepted = "florist", pending = "system", paid = "system", cancelled = "cancel" },
  pending    = { paid = "system", new = "system", cancelled = "cancel" },
  paid       = { accepted = "florist", cancelled = "cancel" },
  accepted   = { assembling = "own_florist", cancelled = "cancel" },
  assembling = { ready = "own_florist", cancelled = "cancel" },
  ready      = { delivering = "courier", cancelled = "cancel" },
  delivering = { delivered = "own_courier", cancelled = "cancel" },
  delivered  = {},
  cancelled  = {},
}

local BEFORE_FLORIST = { new = true, pending = true, paid = true }
M.BEFORE_FLORIST = BEFORE_FLORIST

local function manager(actor) return users.has_role(actor, "manager") end

local function reason_ok(reason)
  if type(reason) ~= "string" then return false end
  reason = reason:match("^%s*(.-)%s*$")
  local n = utf8.len(reason) or #reason
  return n >= rules.orders.CANCEL_REASON_MIN_CHARS and n <= rules.orders.CANCEL_REASON_MAX_CHARS
end

-- Someone else got there first: name them.
local function taken(o, to)
  if to == "accepted" and o.florist_id then return nil, "flow.refused.taken", { name = o.florist_name } end
  if to == "delivering" and o.courier_id then return nil, "flow.refused.taken", { name = o.courier_name } end
end

-- May `actor` move locked order `o` to `to`? true, or nil, reason_key, params.
local function allowed(o, to, actor, opts)
  local from = o.status
  local who = M.TRANSITIONS[from] and M.TRANSITIONS[from][to]
  if not who then
    local _, key, params = taken(o, to)
    if key then return nil, key, params end
    if from == to then return nil, "flow.refused.already", { status = to } end
    return nil, "flow.refused.illegal", { status = from }
  end
  if who == "system" then
    if actor ~= nil then return nil, "flow.refused.role" end
    return true
  end
  if actor == nil then
    -- a timer may cancel (an unpaid order expiring), and says why
    if who == "cancel" and reason_ok(opts and opts.reason) then return true end
    return nil, "flow.refused.role"
  end
  if who == "florist" then
    if not users.has_role(actor, "florist") then return nil, "flow.refused.role" end
  elseif who == "courier" then
    if not users.has_role(actor, "courier") then return nil, "flow.refused.role" end
  elseif who == "own_florist" then
    if not (manager(actor) or (actor.id == o.florist_id and users.has_role(actor, "florist"))) then
      if users.has_role(actor, "florist") then return nil, "flow.refused.not_yours", { name = o.florist_name or "-" } end
      return nil, "flow.refused.role"
    end
    if to == "ready" and not (opts and (opts.photo or opts.photo_later)) then return nil, "flow.refused.photo_needed" end
  elseif who == "own_courier" then
    if not (actor.id == o.courier_id and users.has_role(actor, "courier")) then
      if users.has_role(actor, "courier") then return nil, "flow.refused.not_yours", { name = o.courier_name or "-" } end
      return nil, "flow.refused.role"
    end
  elseif who == "cancel" then
    -- the customer, before a florist has it (placed, awaiting payment,
    -- or paid: the money is then owed back): nothing to explain
    if actor.id == o.customer_id and BEFORE_FLORIST[from] then return true end
    if not manager(actor) then
      if actor.id == o.customer_id then return nil, "flow.refused.too_late" end
      return nil, "flow.refused.role"
    end
    if not (opts and opts.reason_later) and not reason_ok(opts and opts.reason) then
      return nil, "flow.refused.reason_needed", { min = rules.orders.CANCEL_REASON_MIN_CHARS,
                                                   max = rules.orders.CANCEL_REASON_MAX_CHARS }
    end
  end
  return true
end

-- {======================================================================
-- The move
-- =======================================================================

engine.help("guldasta_order_accept_seconds", "histogram",
  "seconds from an order's creation to a florist's acceptance (the shop's target: under 900)")

-- Runs fn and logs (never raises) if it fails: what follows a commit must
-- not turn a done move into an error for the person who made it.
local function after_commit(what, id, fn, ...)
  local ok, err = pcall(fn, ...)
  if not ok then log.error("order flow: after-commit step failed", { step = what, order = id, err = tostring(err) }) end
end

local function sync_stock(id, to, result)
  if to == "accepted" then
    stock.written_off(id, result.on_hand)
  elseif to == "cancelled" then
    if result.returned then stock.returned(id, result.on_hand)
    else stock.release("o:" .. id) end
  end
end

-- The transaction of one move: returns { from=, on_hand=, returned= },
-- or { refused = key, params = } (nothing written; the lock is let go).
local function apply(tx, id, to, actor, opts)
  local o = store.lock(tx, id)
  if not o then return { refused = "flow.refused.not_found" } end
  local ok, key, params = allowed(o, to, actor, opts)
  if not ok then return { refused = key, params = params } end
  local actor_id = actor and actor.id
  local res = { from = o.status }
  if to == "accepted" then
    local on_hand, short = store.write_off(tx, id, actor_id)
    if not on_hand then
      -- nothing of this order may stay written off: undo it all
      error({ short = short })
    end
    res.on_hand = on_hand
  elseif to == "cancelled" then
    -- what cancelling in this state does is the shop's rule
    local policy = rules.orders.cancel_policy(o.status)
    if type(policy) ~= "table" then return { refused = "flow.refused.illegal", params = { status = o.status } } end
    res.cancel = { stock = policy.stock, tell = policy.tell, actor_id = actor_id }
    res.on_hand, res.returned = store.give_back(tx, id, actor_id, opts and opts.reason, policy.stock)
    -- the window's place back, in the same commit (R-S4), and the promo
    -- code's use: a cancelled order did not spend it
    if o.slot_id then slot_book.release({ slot_id = o.slot_id }, tx) end
    promo.release(id, tx)
    -- a paid order's money goes back: the accountant's task, in this
    -- commit (not when the provider itself is returning it: opts.refunded)
    if o.payment_status == "paid" and not (opts and opts.refunded) then
      refunds.owe_on_cancel(tx, id, opts and opts.reason)
    end
  end
  local reason = opts and opts.reason
  if type(reason) == "string" then reason = reason:match("^%s*(.-)%s*$") end
  store.set_status(tx, id, to, actor_id, opts and opts.photo, reason)
  res.event_id = store.event(tx, id, o.status, to, actor_id, reason or (opts and opts.note))
  return res
end

function M.transition(order_id, to, actor, opts)
  local id = math.tointeger(tonumber(order_id))
  if not id then return nil, "flow.refused.not_found" end
  local res, err, code = pg.transaction(apply, id, to, actor, opts)
  if not res then
    if type(err) == "table" and err.short then
      return nil, "flow.refused.short", { name = { ru = err.short.name_ru, uz = err.short.name_uz } }
    end
    log.error("order flow: transaction failed", { order = id, to = to, err = tostring(err), code = code })
    return nil, "flow.refused.error"
  end
  if res.refused then return nil, res.refused, res.params end
  return M.after_move(id, to, actor, res)
end

-- A move inside a transaction the caller owns (a payment's state and the
-- order's status in one commit): returns what M.after_move needs once the
-- caller has committed, or { refused = key, params = } (nothing written).
function M.move_in(tx, order_id, to, actor, opts)
  return apply(tx, order_id, to, actor, opts)
end

-- What follows a committed move (M.move_in's result `res`): the stock's
-- mirror, the metric, the messages. Returns the order as it is now.
function M.after_move(id, to, actor, res)
  local o = store.load(store.pg, id)
  log.info("order moved", { order = id, from = res.from, to = to, actor = actor and actor.id })
  after_commit("stock", id, sync_stock, id, to, res)
  -- an acceptance or a return moves what is available: one alert per
  -- crossing of an item's threshold (shop/inventory/alerts.lua)
  if res.on_hand and next(res.on_hand) then
    local pids = {}
    for pid in pairs(res.on_hand) do pids[#pids + 1] = pid end
    after_commit("alerts", id, alerts.check, pids)
  end
  if to == "accepted" and o.accept_seconds then
    engine.observe("guldasta_order_accept_seconds", nil, o.accept_seconds)
  end
  -- the people concerned are told by whoever presents the move (the bot
  -- subscribes to "order.moved"), driven from the order_events row
  after_commit("notify", id, notices.deliver, res.event_id, o)
  -- the caller may say what became of the stock ("flow.cancelled_loss")
  if res.cancel then o.cancel_stock = res.cancel.stock end
  return o
end

function M.accept(order_id, florist) return M.transition(order_id, "accepted", florist) end
function M.take(order_id, courier) return M.transition(order_id, "delivering", courier) end
function M.cancel(order_id, actor, reason) return M.transition(order_id, "cancelled", actor, { reason = reason }) end

-- The checks of a move, without making it (the order is not locked: the
-- move itself checks again).
function M.check(order_id, to, actor, opts)
  local id = math.tointeger(tonumber(order_id))
  local o = id and store.load(store.pg, id)
  if not o then return nil, "flow.refused.not_found" end
  return allowed(o, to, actor, opts)
end

function M.get(order_id)
  local id = math.tointeger(tonumber(order_id))
  return id and store.load(store.pg, id) or nil
end

function M.items(order_id) return store.items(store.pg, order_id) end

-- A customer's latest orders, newest first (their "My orders").
function M.of_customer(customer_id, limit) return store.of_customer(customer_id, limit) end

-- Where the order's post of `kind` ("florist" or "courier") was made, so
-- that later moves edit it (the presenter that posted it says so).
function M.set_post(id, kind, chat_id, msg_id)
  if kind == "florist" then return store.set_florist_post(id, chat_id, msg_id) end
  return store.set_courier_post(id, chat_id, msg_id)
end

-- {======================================================================
-- A new order
-- =======================================================================

-- A new order's notices (its post to the florists first of all), right
-- after the checkout's commit: true when they are out. One that fails, or
-- an engine stopped before it, is delivered by the sweep below.
function M.placed(order_id)
  local id = math.tointeger(tonumber(order_id))
  if not id or not M.get(id) then return nil, "no such order" end
  return notices.deliver_order(id)
end

-- Notices owed and not delivered (shop/notices.lua), delivered now. Run by
-- a timer in every engine process that presents them (bot/init.lua).
function M.deliver_late_notices() return notices.sweep() end

-- New orders posted to the florists that nobody accepted within
-- rules.orders.ESCALATE_UNCLAIMED_MINUTES, reported to the owner's chat —
-- once per order (flow:escalated:<id>, kept a day), as the event
-- "order.unclaimed" { order =, minutes = } (the bot tells the owner's
-- chat). Run by the same timer as deliver_late_notices. Returns how many
-- were reported.
function M.escalate_unclaimed()
  local minutes = rules.orders.ESCALATE_UNCLAIMED_MINUTES
  local rows = pg.query([[SELECT id, floor(extract(epoch FROM now() - created_at) / 60)::int AS waited
                            FROM orders
                           WHERE status IN ('new', 'paid') AND florist_msg_id IS NOT NULL
                             AND created_at < now() - make_interval(mins => $1)
                             AND created_at > now() - interval '1 day'
                           ORDER BY id LIMIT 50]], minutes)
  if not rows then return 0 end
  local told = 0
  for _, r in ipairs(rows) do
    if redis.call("SET", "flow:escalated:" .. r.id, "1", "NX", "EX", 86400) ~= redis.null then
      if events.emit("order.unclaimed", { order = r, minutes = r.waited }) then told = told + 1
      else redis.call("DEL", "flow:escalated:" .. r.id) end   -- try again next time
    end
  end
  return told
end

return M
