-- scripts/shop/payments/payme.lua — Payme's transactions (Merchant API,
-- payments.md §1) in the shop's terms: each function takes the call's
-- params (already authenticated and shaped by scripts/app/payme.lua) and
-- returns the `result` to answer, or nil, kind[, account_reason]:
--
--   kind "account"       account error; account_reason "not_found" |
--                        "being_paid" | "not_payable" | "no_fiscal_code"
--   kind "amount"        -31001        kind "tx_not_found"  -31003
--   kind "delivered"     -31007        kind "state"         -31008
--   kind "internal"      -32400 (PostgreSQL failed: nothing changed)
--
-- Every state change is one PostgreSQL transaction with the order's
-- payment status (and status, through the order flow). Times are stored
-- once, so a repeated call gets the very same answer. A created
-- transaction older than Payme's 12 hours (from Payme's own `time`) is
-- cancelled with reason 4 when it is touched.
local pg = require "pg"
local store = require "shop.payments.store"
local gate = require "shop.payments.gate"
local fiscal = require "shop.payments.fiscal"
local settle = require "shop.payments.settle"

local M = {}

local function run(what, fn) return settle.run("payme", what, "internal", fn) end

M.TIMEOUT_MS = 43200000   -- Payme's 12 hours (protocol, not policy)

local function expired(t, now) return t.provider_ms and now - t.provider_ms >= M.TIMEOUT_MS end

local function created(t) return { create_time = t.create_ms, transaction = tostring(t.id), state = 1 } end
local function performed(t) return { transaction = tostring(t.id), perform_time = t.perform_ms, state = 2 } end
local function cancelled(t)
  return { transaction = tostring(t.id), cancel_time = t.cancel_ms, state = t.provider_state }
end

local ACCOUNT = { paid = "not_payable", cancelled = "not_payable", not_payable = "not_payable" }

-- The order named by `account`, locked, and why it cannot be paid with
-- `amount` (nil when it can): the checks of CheckPerformTransaction and a
-- new CreateTransaction, in Payme's order (account, then amount).
local function payable(tx, o, amount, now, out)
  if not o then return "account", "not_found" end
  local why = gate.state(o)
  if why then return "account", ACCOUNT[why] end
  if amount ~= o.total then return "amount" end
  local other, row = gate.others(tx, o, now)
  if other == "paid" then return "account", "not_payable" end
  if other == "being_paid" then
    -- the reference's sandbox check: another Payme transaction for the
    -- order while one is open is -31008; another provider's is an account
    -- error the payer can read
    if row.provider == "payme" then return "state" end
    return "account", "being_paid"
  end
  out.lines = fiscal.lines(tx, o.id)
  local missing = fiscal.missing(out.lines)
  if missing[1] then
    out.missing, out.order_id = missing, o.id
    return "account", "no_fiscal_code"
  end
end

function M.check_perform(p)
  local now = store.now_ms()
  local order_id = store.order_id(p.account.order_id)
  return run("CheckPerformTransaction", function(tx)
    local out = {}
    local o = order_id and store.lock_order(tx, order_id)
    local err, why = payable(tx, o, p.amount, now, out)
    if err then out.err, out.why = err, why; return out end
    out.result = { allow = true, detail = fiscal.detail(o, out.lines) }
    return out
  end)
end

function M.create(p)
  local now = store.now_ms()
  local order_id = store.order_id(p.account.order_id)
  return run("CreateTransaction", function(tx)
    local out = {}
    local o = order_id and store.lock_order(tx, order_id)
    local t = store.lock_tx(tx, "payme", p.id)
    if t then
      if t.provider_state ~= 1 then return { err = "state" } end
      if expired(t, now) then
        store.cancel(tx, t.id, -1, now, 4)
        return { err = "state", event = { kind = "failed", order_id = t.order_id, provider = "payme", payment_id = t.id } }
      end
      return { result = created(t) }
    end
    local err, why = payable(tx, o, p.amount, now, out)
    if err then out.err, out.why = err, why; return out end
    if now - p.time >= M.TIMEOUT_MS then return { err = "state" } end
    t = store.insert(tx, { order_id = o.id, provider = "payme", tx_id = p.id, amount = p.amount,
                           provider_ms = p.time, create_ms = now, account = p.account, raw = p.raw })
    out.result = created(t)
    store.set_answer(tx, t.id, out.result)
    return out
  end)
end

-- The transaction `id` and its order, both locked (order first), or nil.
local function lock(tx, id)
  local t = store.by_tx(tx, "payme", id)
  if not t then return nil end
  local o = store.lock_order(tx, t.order_id)
  return store.lock_tx(tx, "payme", id), o
end

function M.perform(p)
  local now = store.now_ms()
  return run("PerformTransaction", function(tx)
    local t, o = lock(tx, p.id)
    if not t then return { err = "tx_not_found" } end
    if t.provider_state == 2 then return { result = performed(t) } end
    if t.provider_state ~= 1 then return { err = "state" } end
    local failed = { kind = "failed", order_id = o.id, provider = "payme", payment_id = t.id }
    if expired(t, now) then
      store.cancel(tx, t.id, -1, now, 4)
      return { err = "state", event = failed }
    end
    -- the order was cancelled (its hold ran out) or paid another way
    -- meanwhile: refused, and Payme gives the money back
    if gate.state(o) then return { err = "account", why = "not_payable" } end
    t = store.perform(tx, t.id, now)
    return { result = performed(t), to = "paid", moved = settle.paid(tx, o, "payme"),
             event = { kind = "paid", order_id = o.id, provider = "payme" } }
  end)
end

function M.cancel(p)
  local now = store.now_ms()
  return run("CancelTransaction", function(tx)
    local t, o = lock(tx, p.id)
    if not t then return { err = "tx_not_found" } end
    if t.provider_state < 0 then return { result = cancelled(t) } end
    if t.provider_state == 1 then
      t = store.cancel(tx, t.id, -1, now, p.reason)
      return { result = cancelled(t), event = { kind = "failed", order_id = o.id, provider = "payme", payment_id = t.id } }
    end
    if o.status == "delivered" then return { err = "delivered" } end
    t = store.cancel(tx, t.id, -2, now, p.reason)
    local moved = settle.refunded(tx, o, "payme")
    return { result = cancelled(t), to = moved and "cancelled", moved = moved,
             event = { kind = "refunded", order_id = o.id, provider = "payme" } }
  end)
end

local function reason(t) return t.reason or pg.null end

function M.check(p)
  local ok, t = pcall(store.by_tx, store.pg, "payme", p.id)
  if not ok then return nil, "internal" end
  if not t then return nil, "tx_not_found" end
  return { create_time = t.create_ms, perform_time = t.perform_ms or 0, cancel_time = t.cancel_ms or 0,
           transaction = tostring(t.id), state = t.provider_state, reason = reason(t) }
end

function M.statement(p)
  local ok, rows = pcall(store.statement, p.from, p.to)
  if not ok then return nil, "internal" end
  local list = {}
  for i, t in ipairs(rows) do
    list[i] = { id = t.provider_tx_id, time = t.provider_ms, amount = t.amount,
                account = t.account or { order_id = tostring(t.order_id) },
                create_time = t.create_ms, perform_time = t.perform_ms or 0, cancel_time = t.cancel_ms or 0,
                transaction = tostring(t.id), state = t.provider_state, reason = reason(t) }
  end
  return { transactions = list }
end

return M
