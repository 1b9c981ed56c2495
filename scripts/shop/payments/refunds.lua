-- scripts/shop/payments/refunds.lua — money a cancelled order owes its
-- customer back. A paid order cancelled on our side (the customer before a
-- florist took it, the shop later) gets a `refunds_owed` row in the
-- cancellation's own commit: the accountant's task. Neither provider lets
-- the shop return money by a call of ours here — Payme returns it when the
-- accountant cancels the payment in the Payme cabinet (its
-- CancelTransaction after perform, which settles the row by itself);
-- Click's or cash money is returned by hand and the row marked settled
-- from the bot (`/payments`).
local pg = require "pg"
local store = require "shop.payments.store"

local M = {}

local PERFORMED = [[SELECT p.id, p.provider, p.amount, o.total, o.payment_method
                      FROM orders o LEFT JOIN payments p ON p.order_id = o.id AND p.state = 'performed'
                     WHERE o.id = $1]]

-- In the cancellation's transaction `tx`: the row owed for order
-- `order_id` (paid), once. Returns the row's id, or nil when it existed.
function M.owe_on_cancel(tx, order_id, reason)
  local r = store.plain(assert(tx:query(PERFORMED, order_id))[1])
  if not r then return nil end
  local owed = store.owe(tx, { order_id = order_id, payment_id = r.id, provider = r.provider or r.payment_method or "cash",
                               amount = r.amount or r.total, reason = reason })
  return owed and owed.id
end

-- The provider returned the money itself (Payme's cancel after perform):
-- the order's row, if one was owed, is settled in the same commit.
function M.settled_by_provider(tx, order_id)
  assert(tx:query([[UPDATE refunds_owed SET settled_at = now() WHERE order_id = $1 AND settled_at IS NULL]], order_id))
end

-- The accountant returned order `order_id`'s money by hand: true, or nil,
-- "not_owed" (no open row). Sets the order's payment status `refunded`.
function M.settle(order_id, user_id)
  return pg.transaction(function(tx)
    local rows = assert(tx:query([[UPDATE refunds_owed SET settled_at = now(), settled_by = $2
                                    WHERE order_id = $1 AND settled_at IS NULL RETURNING id]], order_id, user_id))
    if not rows[1] then return nil, "not_owed" end
    assert(tx:query([[UPDATE orders SET payment_status = 'refunded', updated_at = now()
                       WHERE id = $1 AND payment_status = 'refund_pending']], order_id))
    return true
  end)
end

-- Open rows, oldest first: { {order_id, provider, amount, reason, created_at}, ... }.
function M.open()
  local rows = assert(pg.query([[SELECT order_id, provider, amount, reason, created_at::text AS created_at
                                   FROM refunds_owed WHERE settled_at IS NULL ORDER BY created_at, id]]))
  for _, r in ipairs(rows) do store.plain(r) end
  return rows
end

return M
