-- scripts/shop/payments/day.lua — one day of payments for the accountant
-- (the shop's day, SHOP_TZ): what was paid and returned, what the
-- shop owes back by hand, and every mismatch between the providers'
-- transactions and the orders:
--   performed_unpaid   a performed transaction whose order is not paid (nor owed back)
--   paid_untracked     an order paid online without a performed transaction
--   amount             a performed transaction whose amount is not the order's total as paid
--   stuck              a transaction still created after ATTEMPT_BLOCKS_MINUTES
local pg = require "pg"
local config = require "config"
local rules = require "rules"
local store = require "shop.payments.store"

local M = {}

local function q(sql, ...)
  local rows, err, code = pg.query(sql, ...)
  if not rows then error(("payments: %s (%s)"):format(tostring(err), tostring(code)), 2) end
  for _, r in ipairs(rows) do store.plain(r) end
  return rows
end

local PAYMENTS = [[
  SELECT p.id, p.order_id, p.provider, p.provider_tx_id, p.amount, p.state, p.reason,
         p.create_ms, p.perform_ms, p.cancel_ms, o.total AS order_total, o.status AS order_status,
         o.payment_status AS order_payment_status,
         o.total - o.extra_due + (SELECT coalesce(sum(r.amount), 0) FROM refunds_owed r
                                   WHERE r.order_id = o.id AND r.substitution_id IS NOT NULL)::bigint AS paid_total
    FROM payments p JOIN orders o ON o.id = p.order_id
   WHERE (p.create_time AT TIME ZONE $2)::date = $1::date
      OR (p.perform_time AT TIME ZONE $2)::date = $1::date
      OR (p.cancel_time AT TIME ZONE $2)::date = $1::date
   ORDER BY p.id]]

local OWED = [[
  SELECT r.order_id, r.provider, r.amount, r.reason, r.settled_at, r.created_at::text AS created_at
    FROM refunds_owed r
   WHERE r.settled_at IS NULL OR (r.created_at AT TIME ZONE $2)::date = $1::date
  UNION ALL
  SELECT o.id, o.payment_method, o.total, o.cancel_reason, NULL, o.cancelled_at::text
    FROM orders o
   WHERE o.payment_status = 'refund_pending'
     AND NOT EXISTS (SELECT 1 FROM refunds_owed r WHERE r.order_id = o.id AND r.substitution_id IS NULL)
   ORDER BY 1]]

local PAID_UNTRACKED = [[
  SELECT o.id AS order_id, o.payment_method AS provider, o.total AS order_total
    FROM orders o
   WHERE o.payment_method IN ('payme', 'click') AND o.payment_status = 'paid'
     AND (o.paid_at AT TIME ZONE $2)::date = $1::date
     AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.state = 'performed')
   ORDER BY o.id]]

-- A performed transaction's order may be paid, or cancelled with its
-- money owed back (a refunds-owed line, not a mismatch).
local SETTLED = { paid = true, refund_pending = true, refunded = true }

-- date: "YYYY-MM-DD". Returns { payments = {...}, refunds_owed = {...},
-- mismatches = { {kind =, order_id =, payment_id =, ...}, ... },
-- rate = the day's failure rate (shop/payments/rate.lua) }.
function M.day(date, now_ms)
  now_ms = now_ms or store.now_ms()
  local payments = q(PAYMENTS, date, config.shop_tz)
  local mismatches = {}
  local stuck_ms = rules.payments.ATTEMPT_BLOCKS_MINUTES * 60000
  for _, p in ipairs(payments) do
    local m = { order_id = p.order_id, payment_id = p.id, provider = p.provider, amount = p.amount,
                order_total = p.order_total }
    if p.state == "performed" and not SETTLED[p.order_payment_status] then
      m.kind = "performed_unpaid"
    elseif p.state == "performed" and p.amount ~= p.paid_total then
      -- the total as paid: a substitute's difference since then is cash
      -- due at the door or its own refunds-owed line
      m.kind = "amount"
    elseif p.state == "created" and now_ms - p.create_ms >= stuck_ms then
      m.kind = "stuck"
    end
    if m.kind then mismatches[#mismatches + 1] = m end
  end
  for _, o in ipairs(q(PAID_UNTRACKED, date, config.shop_tz)) do
    o.kind = "paid_untracked"
    mismatches[#mismatches + 1] = o
  end
  return { date = date, payments = payments, refunds_owed = q(OWED, date, config.shop_tz), mismatches = mismatches,
           rate = require("shop.payments.rate").day(date) }
end

return M
