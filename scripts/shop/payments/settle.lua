-- scripts/shop/payments/settle.lua — the order's side of a payment: in
-- the payment's own transaction, the order moves through the order flow
-- (pending -> paid, or cancelled on a refund) and its payment_status
-- changes; after the commit, what follows a move (the florists' post, the
-- customer's news) runs in a unit of work of its own, so a provider's call
-- is answered without waiting for Telegram.
local engine = require "engine"
local log = require "log"
local pg = require "pg"
local i18n = require "i18n"
local flow = require "shop.order_flow"
local store = require "shop.payments.store"
local fiscal = require "shop.payments.fiscal"
local refunds = require "shop.payments.refunds"
local news = require "shop.payments.news"

local M = {}

local function moved_or_raise(o, to, res)
  if res.refused then
    error(("payments: order %d cannot move to %s: %s"):format(o.id, to, tostring(res.refused)), 0)
  end
  return res
end

-- Order `o` (locked) paid through `provider`: returns the move for after().
function M.paid(tx, o, provider)
  local res = moved_or_raise(o, "paid", flow.move_in(tx, o.id, "paid", nil))
  store.set_payment_status(tx, o.id, "paid", provider)
  return res
end

-- The money of order `o` went back through `provider` (Payme's cancel
-- after perform). The order is cancelled, with its stock given back, if
-- no florist has started on it yet (paid or accepted); later it goes on,
-- and the mismatch is the accountant's to see. Returns the move, or nil.
local CANCEL_WHILE = { paid = true, accepted = true }
local LABEL = { payme = "Payme", click = "Click" }   -- brand names, the same in every language

function M.refunded(tx, o, provider)
  local res
  if CANCEL_WHILE[o.status] then
    local lang = i18n.valid(o.lang) and o.lang or i18n.DEFAULT_LANG
    local reason = i18n.str(i18n.t(lang, "payments.cancel_reason.refunded", { provider = LABEL[provider] or provider }))
    res = moved_or_raise(o, "cancelled", flow.move_in(tx, o.id, "cancelled", nil, { reason = reason, refunded = true }))
  end
  store.set_payment_status(tx, o.id, "refunded")
  refunds.settled_by_provider(tx, o.id)
  return res
end

-- Listeners of payment news (the bot tells the customer): fn(event) with
-- event = { kind = "paid" | "failed" | "refunded", order_id =, provider = }.
local listeners = {}

function M.on(fn) listeners[#listeners + 1] = fn end

engine.help("guldasta_payments_total", "counter", "payment attempts finished, by outcome (paid, failed, refunded)")
local OUTCOME = { paid = 'outcome="paid"', failed = 'outcome="failed"', refunded = 'outcome="refunded"' }

-- After the commit: the flow's follow-up of the move (when there was
-- one), the florists' post of a paid order, the listeners. Never raises;
-- returns the unit's handle (specs wait on it).
function M.after(event, to, res)
  return engine.spawn(function()
    local id = event.order_id
    local ok, err = pcall(function()
      if to and res then flow.after_move(id, to, nil, res) end
      if to == "paid" then flow.placed(id) end
    end)
    if not ok then log.error("payments: after-commit step failed", { order = id, err = tostring(err) }) end
    if event.kind == "failed" and event.payment_id then
      local nok, nerr = pcall(news.deliver, event.payment_id)
      if not nok then log.error("payments: failure news failed", { order = id, err = tostring(nerr) }) end
    end
    engine.counter("guldasta_payments_total", OUTCOME[event.kind], 1)
    for _, fn in ipairs(listeners) do
      local lok, lerr = pcall(fn, event)
      if not lok then log.error("payments: listener failed", { order = id, err = tostring(lerr) }) end
    end
  end)
end

-- One provider call's transaction and what follows its commit, for
-- payme.lua and click.lua: fn(tx) returns { result = } or { err =, why = },
-- and may ask for a fiscal notice (missing =, order_id =) and an event
-- (event =, to =, moved =), which happen only after the commit. Returns
-- result, or nil, err, why; nil, `internal` when PostgreSQL failed (the
-- whole change rolled back).
function M.run(provider, what, internal, fn)
  local out, err, code = pg.transaction(fn)
  if not out then
    log.error("payments: transaction failed", { provider = provider, call = what, err = tostring(err), code = code })
    return nil, internal
  end
  if out.missing then fiscal.announce(out.order_id, out.missing) end
  if out.event then M.after(out.event, out.to, out.moved) end
  if out.err then return nil, out.err, out.why end
  return out.result
end

return M
