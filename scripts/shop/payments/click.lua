-- scripts/shop/payments/click.lua — Click's SHOP API transactions
-- (payments.md §2) in the shop's terms. scripts/app/click.lua has checked
-- the fields, the signature and the action; these functions take
--   p = { click_trans_id =, order_ref = merchant_trans_id (as sent),
--         prepare_id = merchant_prepare_id (Complete), amount = tiyin,
--         error = Click's own status (< 0: the payment failed), raw = }
-- and return { prepare_id = } / { confirm_id = }, or nil and why:
--   "paid" -4, "amount" -2, "not_found" -5, "tx_not_found" -6,
--   "cancelled" -9, "failed" -7 (PostgreSQL failed: nothing changed).
-- A prepare is a `payments` row keyed by click_trans_id; its id is the
-- merchant_prepare_id and, once completed, the merchant_confirm_id.
local store = require "shop.payments.store"
local gate = require "shop.payments.gate"
local fiscal = require "shop.payments.fiscal"
local settle = require "shop.payments.settle"

local M = {}

local function run(what, fn) return settle.run("click", what, "failed", fn) end

local function failed(o, t) return { kind = "failed", order_id = o.id, provider = "click", payment_id = t.id } end


-- Prepare, in the reference's order: order exists (-5), already paid
-- (-4), amount (-2), cancelled or Click's error < 0 (-9); then the
-- prepare is written, or the existing one for this click_trans_id is
-- answered again.
function M.prepare(p)
  local now = store.now_ms()
  local order_id = store.order_id(p.order_ref)
  return run("prepare", function(tx)
    local o = order_id and store.lock_order(tx, order_id)
    if not o then return { err = "not_found" } end
    local t = store.lock_tx(tx, "click", p.click_trans_id)
    if t then
      if t.order_id ~= o.id then return { err = "tx_not_found" } end
      if t.provider_state == 2 then return { err = "paid" } end
      if t.provider_state < 0 then return { err = "cancelled" } end
      if p.error < 0 then
        store.cancel(tx, t.id, -1, now)
        return { err = "cancelled", event = failed(o, t) }
      end
      return { result = { prepare_id = t.id } }
    end
    local why = gate.state(o)
    if why == "paid" then return { err = "paid" } end
    if p.amount ~= o.total then return { err = "amount" } end
    if why or p.error < 0 then return { err = "cancelled" } end
    local other = gate.others(tx, o, now)
    if other == "paid" then return { err = "paid" } end
    if other then return { err = "cancelled" } end
    local missing = fiscal.missing(fiscal.lines(tx, o.id))
    if missing[1] then return { err = "cancelled", missing = missing, order_id = o.id } end
    t = store.insert(tx, { order_id = o.id, provider = "click", tx_id = p.click_trans_id, amount = p.amount,
                           create_ms = now, account = { merchant_trans_id = p.order_ref }, raw = p.raw })
    local result = { prepare_id = t.id }
    store.set_answer(tx, t.id, result)
    return { result = result }
  end)
end

-- Complete, in the reference's order: the prepare of this order and
-- click_trans_id (-6), already confirmed (-4), cancelled (-9), amount
-- (-2), Click's error < 0 (cancel, -9); then the order is paid.
function M.complete(p)
  local now = store.now_ms()
  local order_id = store.order_id(p.order_ref)
  return run("complete", function(tx)
    local o = order_id and store.lock_order(tx, order_id)
    local t = o and p.prepare_id and store.lock_id(tx, p.prepare_id, "click")
    if not (t and t.order_id == o.id and t.provider_tx_id == p.click_trans_id) then
      return { err = "tx_not_found" }
    end
    if t.provider_state == 2 then return { err = "paid" } end
    if t.provider_state < 0 then return { err = "cancelled" } end
    if p.amount ~= t.amount then return { err = "amount" } end
    if p.error < 0 then
      store.cancel(tx, t.id, -1, now)
      return { err = "cancelled", event = failed(o, t) }
    end
    -- the order was cancelled (its hold ran out) or paid another way
    -- meanwhile: this payment is refused, and Click gives the money back
    local why = gate.state(o)
    if why then
      store.cancel(tx, t.id, -1, now)
      return { err = why == "paid" and "paid" or "cancelled", event = failed(o, t) }
    end
    t = store.perform(tx, t.id, now)
    return { result = { confirm_id = t.id }, to = "paid", moved = settle.paid(tx, o, "click"),
             event = { kind = "paid", order_id = o.id, provider = "click" } }
  end)
end

return M
