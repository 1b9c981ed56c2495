-- rules/orders.lua — how the shop runs an order once it is placed: the
-- staff's language, how long the bot waits for a photo or a reason, what
-- the customer sees of their orders, and what cancelling does in each
-- state (the stock, who is told). Who may move an order from one
-- state to the next is not a setting: it is scripts/shop/order_flow.lua's
-- table, because a wrong edit there would sell stock twice.

local M = {}

-- The one language of the florists' channel and the couriers' group: a
-- post is read by every florist, so it cannot follow one person's choice.
-- Messages to one person (a florist's photo request, a courier's address)
-- use that person's own language.
M.STAFF_LANG = "ru"

-- Minutes the bot waits for the bouquet photo (after [Ready]), the
-- delivery photo, a cancellation reason or a customer's comment; after
-- that a photo or text is taken as an ordinary message again.
M.AWAIT_MINUTES = 60

-- A cancellation by the owner or a manager needs a reason of at least this
-- many characters ("no", "x" are not reasons), and at most this many (it
-- goes into order_events and to the customer).
M.CANCEL_REASON_MIN_CHARS = 3
M.CANCEL_REASON_MAX_CHARS = 300

-- A customer's comment on the bouquet photo, forwarded to the florists.
M.COMMENT_MAX_CHARS = 1000

-- A notice of an order's move (the florists' post of a new order, the
-- customer's news) that did not go out — Telegram's limits, a network
-- error, an engine stopped right after the commit — is tried again after
-- this many seconds; the engine looks every as often.
M.NOTICE_RETRY_SECONDS = 60

-- A process delivering a notice holds it this long; if it died meanwhile,
-- another takes it over after that. Longer than one send may last (the
-- Bot API client gives up after 120 s of retries and 429 waits), so a slow
-- send is never taken over and sent a second time.
M.NOTICE_LEASE_SECONDS = 180

-- A notice still owed after this many hours is news nobody wants: left.
M.NOTICE_WITHIN_HOURS = 24

-- A new order no florist has accepted after this many minutes is reported
-- to the owner's chat (OWNER_CHAT_ID), once (domain.md R-T7; the shop's
-- target for order-to-acceptance is 15 minutes).
M.ESCALATE_UNCLAIMED_MINUTES = 10

-- "📦 My orders" shows the customer's newest orders, this many.
M.MY_ORDERS_SHOWN = 10

-- {======================================================================
-- Cancelling an order, by the state it is in
-- =======================================================================

-- What a cancellation does, per state the order leaves (who may cancel is
-- scripts/shop/order_flow.lua's table: the customer while it is new, the
-- shop later, with a reason). Two things are decided here:
--
-- stock: what happens to the flowers the order took.
--   "release"  nothing was written off yet (a florist has not accepted
--              it): the reservation is let go, no ledger entry.
--   "return"   the stems were written off at acceptance ('sale') but are
--              still whole in the shop's buckets: 'return' entries put
--              them back on hand.
--   "loss"     assembly has started: the stems are cut, wired and
--              wrapped into a bouquet; they cannot go back to a bucket.
--              The sale is reversed ('sale' entries of the opposite sign:
--              the order sold nothing) and the same stems are written off
--              as 'loss', so on hand stays as it is (the stems are not
--              there) and the weekly loss figure (R-I6) counts them. A
--              bouquet the shop then sells from the showcase is a sale at
--              the counter, not this order's: it is not booked back here.
-- tell: who hears of it, each in their own private chat and language
--   (besides the florists' and couriers' posts, which always show the
--   state): "customer" (not when they cancelled it themselves),
--   "florist" (the order's florist: stop, or the bouquet is not needed),
--   "courier" (the order's courier: do not deliver, bring it back). The
--   person who cancelled is not told what they just did.
M.CANCEL = {
  new        = { stock = "release", tell = { "customer" } },
  pending    = { stock = "release", tell = { "customer" } },
  paid       = { stock = "release", tell = { "customer" } },
  accepted   = { stock = "return",  tell = { "customer", "florist" } },
  assembling = { stock = "loss",    tell = { "customer", "florist" } },
  ready      = { stock = "loss",    tell = { "customer", "florist" } },
  delivering = { stock = "loss",    tell = { "customer", "florist", "courier" } },
}

-- What cancelling an order in `status` does: { stock =, tell = {...} },
-- or nil when the state has no entry (the order flow then refuses).
function M.cancel_policy(status) return M.CANCEL[status] end

local STOCK_ACTIONS = { release = true, ["return"] = true, loss = true }
local TOLD = { customer = true, florist = true, courier = true }

local function cancel_ok()
  for status, p in pairs(M.CANCEL) do
    if not STOCK_ACTIONS[p.stock] then return false, "CANCEL." .. status .. ".stock is release, return or loss" end
    if type(p.tell) ~= "table" then return false, "CANCEL." .. status .. ".tell must be a list" end
    for _, who in ipairs(p.tell) do
      if not TOLD[who] then return false, "CANCEL." .. status .. ".tell: unknown " .. tostring(who) end
    end
  end
  return true
end

function M.selfcheck()
  if M.STAFF_LANG ~= "ru" and M.STAFF_LANG ~= "uz" then return false, "STAFF_LANG must be ru or uz" end
  if M.CANCEL_REASON_MIN_CHARS < 1 or M.CANCEL_REASON_MAX_CHARS < M.CANCEL_REASON_MIN_CHARS then
    return false, "cancel reason limits are inconsistent"
  end
  if M.AWAIT_MINUTES < 1 or M.MY_ORDERS_SHOWN < 1 or M.COMMENT_MAX_CHARS < 1
      or M.NOTICE_RETRY_SECONDS < 1 or M.NOTICE_LEASE_SECONDS < 1 or M.NOTICE_WITHIN_HOURS < 1
      or M.ESCALATE_UNCLAIMED_MINUTES < 1 then
    return false, "limits must be positive"
  end
  return cancel_ok()
end

return M
