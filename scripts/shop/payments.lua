-- scripts/shop/payments.lua — online payments, the domain: Payme's and
-- Click's transactions (their HTTP handlers are scripts/app/payme.lua and
-- click.lua), the links the customer pays by, and the accountant's day.
--
--   payments.payme.check_perform / create / perform / cancel / check / statement(params)
--   payments.click.prepare / complete(params)        shop/payments/payme.lua, click.lua
--   payments.payme_key() / payments.change_payme_key(new)   shop/payments/keys.lua
--   payments.offer(order) -> { "payme", "click" } | {}, why
--   payments.link(provider, order, { lang =, return_url = }) -> url | nil, why
--   payments.day("YYYY-MM-DD") -> { payments, refunds_owed, mismatches }
--   payments.on(fn)      fn({ kind = "paid" | "failed" | "refunded", order_id =, provider = })
--                        after each commit, in a unit of work of its own
--   payments.record(call)     stores a provider's call (shop/payments/calls.lua)
--   payments.expire_holds()   unpaid orders past rules.payments.HOLD_MINUTES cancelled (hold.lua)
--   payments.to_cash(order_id, user) -> order | nil, why     pay in cash instead (to_cash.lua)
--   payments.owner_notices_sweep()  what the owner must be told and was not
--                             yet (owner_notices.lua: a product without fiscal codes)
--   payments.news_sweep()     failed attempts' news still owed, delivered (news.lua:
--                             the event "payment.failed" { order =, provider =, reason = })
--   payments.settle_refund(order_id, user_id), payments.refunds_open()   refunds owed (refunds.lua)
--   payments.owe_order(tx, order_id, reason) -> id | nil   in the caller's transaction, the
--                             order's money owed back (its performed payment's provider, or
--                             its payment method; a claim's refund, a cancellation's)
--   payments.csv(from, to) -> text, rows | nil, why            the accountant's CSV (export.lua)
--   payments.publish_rate()   the failure rate of the last 24 h on /metrics (rate.lua)
--
-- The order's side (DESIGN.md §4): an order awaiting online payment is
-- `pending` with payment_status `pending`; performing moves it to `paid`
-- through the order flow in the payment's own transaction; Payme's cancel
-- after perform marks it `refunded` and cancels it if no florist has
-- started on it. One unfinished attempt per order, one performed.
local links = require "shop.payments.links"
local keys = require "shop.payments.keys"

return {
  payme = require "shop.payments.payme",
  click = require "shop.payments.click",
  payme_key = keys.current,
  change_payme_key = keys.change,
  offer = links.offer,
  link = links.link,
  enabled = links.enabled,
  day = require("shop.payments.day").day,
  on = require("shop.payments.settle").on,
  record = require("shop.payments.calls").record,
  owe = require("shop.payments.store").owe,
  expire_holds = require("shop.payments.hold").expire,
  to_cash = require("shop.payments.to_cash").switch,
  news_sweep = require("shop.payments.news").sweep,
  owner_notices_sweep = require("shop.payments.owner_notices").sweep,
  settle_refund = require("shop.payments.refunds").settle,
  refunds_open = require("shop.payments.refunds").open,
  owe_order = require("shop.payments.refunds").owe_on_cancel,
  csv = require("shop.payments.export").csv,
  valid_date = require("shop.payments.export").valid_date,
  publish_rate = require("shop.payments.rate").publish,
}
