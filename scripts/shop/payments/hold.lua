-- scripts/shop/payments/hold.lua — an order awaiting online payment keeps
-- its stock and its window's place for rules.payments.HOLD_MINUTES after
-- it was placed; then, unpaid, it is cancelled by the shop (no person: the
-- order flow lets a timer cancel with a reason), which gives both back and
-- tells the customer like any cancellation. An attempt under way at that
-- moment (created less than ATTEMPT_BLOCKS_MINUTES ago) gets its time to
-- finish first, so a payer entering an SMS code is not cut off. A payment
-- that comes after the cancellation is refused (gate.lua: the order is no
-- longer payable), so the provider gives the money back.
--
-- Run by a timer in every engine process (bot/init.lua); two processes
-- cancelling the same order meet at its row lock, and the second is refused.
local pg = require "pg"
local log = require "log"
local i18n = require "i18n"
local rules = require "rules"
local flow = require "shop.order_flow"
local store = require "shop.payments.store"

local M = {}

local DUE = [[
  SELECT o.id, o.lang FROM orders o
   WHERE o.status = 'pending' AND o.payment_status = 'pending'
     AND o.created_at < now() - make_interval(secs => $1::float8)
     AND NOT EXISTS (SELECT 1 FROM payments p
                      WHERE p.order_id = o.id AND p.state = 'created' AND p.create_ms > $2::bigint)
   ORDER BY o.id LIMIT 100]]

-- Cancels every order whose hold ran out. Returns how many it cancelled.
function M.expire()
  local p = rules.payments
  local rows, err = pg.query(DUE, p.HOLD_MINUTES * 60,
    store.now_ms() - math.floor(p.ATTEMPT_BLOCKS_MINUTES * 60000))
  if not rows then
    log.warn("payments: hold expiry skipped", { err = tostring(err) })
    return 0
  end
  local n = 0
  for _, r in ipairs(rows) do
    local lang = i18n.valid(r.lang) and r.lang or i18n.DEFAULT_LANG
    local reason = i18n.str(i18n.t(lang, "payments.cancel_reason.hold_expired"))
    local ok, o = pcall(flow.transition, r.id, "cancelled", nil, { reason = reason })
    if ok and o then n = n + 1
    elseif not ok then log.error("payments: hold expiry failed", { order = r.id, err = tostring(o) }) end
  end
  if n > 0 then log.info("unpaid orders cancelled: hold ran out", { count = n }) end
  return n
end

return M
