-- rules/orders.lua — how the shop runs an order once it is placed: the
-- staff's language, how long the bot waits for a photo or a reason, and
-- what the customer sees of their orders. Who may move an order from one
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

-- A new order whose post to the florists' channel failed (Telegram's
-- limits, a network error, an engine stopping right after the commit) is
-- posted again after this many seconds; the engine looks every as often.
M.REPOST_AFTER_SECONDS = 60

-- A new order no florist has accepted after this many minutes is reported
-- to the owner's chat (OWNER_CHAT_ID), once (domain.md R-T7; the shop's
-- target for order-to-acceptance is 15 minutes).
M.ESCALATE_UNCLAIMED_MINUTES = 10

-- "📦 My orders" shows the customer's newest orders, this many.
M.MY_ORDERS_SHOWN = 10

function M.selfcheck()
  if M.STAFF_LANG ~= "ru" and M.STAFF_LANG ~= "uz" then return false, "STAFF_LANG must be ru or uz" end
  if M.CANCEL_REASON_MIN_CHARS < 1 or M.CANCEL_REASON_MAX_CHARS < M.CANCEL_REASON_MIN_CHARS then
    return false, "cancel reason limits are inconsistent"
  end
  if M.AWAIT_MINUTES < 1 or M.MY_ORDERS_SHOWN < 1 or M.COMMENT_MAX_CHARS < 1
      or M.REPOST_AFTER_SECONDS < 5 or M.ESCALATE_UNCLAIMED_MINUTES < 1 then
    return false, "limits must be positive"
  end
  return true
end

return M
