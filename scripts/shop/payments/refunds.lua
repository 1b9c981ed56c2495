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

-- What the customer paid (the performed payment's amount; without one,
-- the total as it was paid: less a dearer substitute's cash due, plus a
-- cheaper one's difference), and what is owed back of it already for
-- cheaper substitutes (shop/substitution/swap.lua).
local PERFORMED = [[SELECT p.id, p.provider, o.payment_method, s.back,
                           coalesce(p.amount, o.total - o.extra_due + s.back) AS paid
                      FROM orders o LEFT JOIN payments p ON p.order_id = o.id AND p.state = 'performed',
                           LATERAL (SELECT coalesce(sum(r.amount), 0)::bigint AS back FROM refunds_owed r
                                     WHERE r.order_id = o.id AND r.substitution_id IS NOT NULL) s
                     WHERE o.id = $1]]

-- The provider an order's money goes back by: its performed payment's,
-- else its payment method.
local function provider(r) return r.provider or r.payment_method or "cash" end

-- In the cancellation's transaction `tx`: the row owed for order
-- `order_id` (paid), once: what was paid less what is owed back already
-- for a cheaper substitute. Returns the row's id, or nil when it existed
-- (or nothing is left to owe).
function M.owe_on_cancel(tx, order_id, reason)
  local r = store.plain(assert(tx:query(PERFORMED, order_id))[1])
  if not r or r.paid - r.back <= 0 then return nil end
  local owed = store.owe(tx, { order_id = order_id, payment_id = r.id, provider = provider(r),
                               amount = r.paid - r.back, reason = reason })
  return owed and owed.id
end

-- In the substitution's transaction `tx`: `amount` of paid order
-- `order_id` owed back for a cheaper substitute (its own row, settled
-- like any other). Returns the row's id, or nil when it existed.
function M.owe_difference(tx, order_id, substitution_id, amount, reason)
  local r = store.plain(assert(tx:query(PERFORMED, order_id))[1])
  if not r then return nil end
  local owed = store.owe(tx, { order_id = order_id, payment_id = r.id, provider = provider(r), amount = amount,
                               reason = reason, substitution_id = substitution_id })
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
