-- scripts/shop/payments/to_cash.lua — a customer whose online payment did
-- not go through (or who changed their mind) pays in cash instead: the
-- order leaves `pending` for `new` (a system move of the order flow), its
-- method becomes cash, and it goes to the florists like any cash order.
-- Refused while an attempt is under way (the payer may be on the
-- provider's page) or once paid; an abandoned attempt is cancelled in the
-- same commit, as a new attempt would (gate.others).
local pg = require "pg"
local log = require "log"
local flow = require "shop.order_flow"
local store = require "shop.payments.store"
local gate = require "shop.payments.gate"

local M = {}

-- order_id of customer `user`: the order as it is now, or nil, why:
-- "not_found", "paid", "being_paid", "cancelled", "not_payable", "db".
function M.switch(order_id, user)
  local now = store.now_ms()
  local out, err, code = pg.transaction(function(tx)
    local o = store.lock_order(tx, order_id)
    if not o or o.customer_id ~= user.id then return { refused = "not_found" } end
    local why = gate.state(o)
    if why then return { refused = why } end
    local other = gate.others(tx, o, now)
    if other then return { refused = other } end
    local res = flow.move_in(tx, o.id, "new", nil)
    if res.refused then return { refused = "not_payable" } end
    store.set_payment_status(tx, o.id, "unpaid", "cash")
    return { res = res }
  end)
  if not out then
    log.error("payments: switch to cash failed", { order = order_id, err = tostring(err), code = code })
    return nil, "db"
  end
  if out.refused then return nil, out.refused end
  return flow.after_move(order_id, "new", nil, out.res)
end

return M
