-- scripts/shop/payments/gate.lua — may this order be paid online now? The
-- checks both providers make before a transaction is written; each
-- provider answers them with its own codes, in its own order
-- (payments.md 1.4 and 2.6).
local rules = require "rules"
local store = require "shop.payments.store"

local M = {}

-- The order's own state (o as store.lock_order reads it): nil when it
-- awaits online payment, else why not: "paid" (paid already, or the money
-- went back), "cancelled", or "not_payable" (cash, not placed as pending).
function M.state(o)
  local ps = o.payment_status
  if ps == "paid" or ps == "refund_pending" or ps == "refunded" then return "paid" end
  if o.status == "cancelled" then return "cancelled" end
  if o.status ~= "pending" or ps ~= "pending" then return "not_payable" end
  if o.payment_method ~= "payme" and o.payment_method ~= "click" then return "not_payable" end
  return nil
end

-- The order's other attempts (locked): nil when none stands in the way,
-- "paid" when one was performed, "being_paid" and that row when an
-- unfinished one is still fresh (rules.payments.ATTEMPT_BLOCKS_MINUTES).
-- An abandoned one is cancelled here (reason 4, as a timeout), in the
-- caller's transaction, so the new attempt is the order's only one.
function M.others(tx, o, now)
  for _, r in ipairs(store.live(tx, o.id)) do
    if r.state == "performed" then return "paid", r end
    if not rules.payments.attempt_abandoned(now - r.create_ms) then return "being_paid", r end
    store.cancel(tx, r.id, -1, now, 4)
  end
  return nil
end

return M
