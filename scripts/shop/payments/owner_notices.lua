-- scripts/shop/payments/owner_notices.lua — what the owner must be told
-- about payments (a product without its MXIK or package code, which no
-- online payment can include): a payment_notices row, delivered as the
-- event "payment.notice" { order_id =, kind =, detail = } to whoever
-- presents it (the bot tells OWNER_CHAT_ID).
--
-- Right after the notice is written, in a unit of work of its own (the
-- provider's call never waits on Telegram); one that found no presenter,
-- or whose presenter failed, is owed, and the sweep delivers it later. A
-- notice kind (shop/notices.lua): told_claimed_at is the lease of the
-- process telling it, told_at the mark once told.
local engine = require "engine"
local events = require "shop.events"
local notices = require "shop.notices"

local M = {}

local notice = notices.kind {
  what = "payment owner notices", table = "payment_notices", at = "created_at",
  done = "told_at", claimed = "told_claimed_at",
  returning = "order_id, kind, detail",
  tell = function(n)
    return events.emit("payment.notice", { order_id = n.order_id, kind = n.kind, detail = n.detail })
  end,
}

-- Delivers notice `id` unless it was; true when it is delivered.
M.deliver = notice.deliver

-- A new notice: told at once, off the caller's unit of work.
function M.announce(id)
  engine.spawn(M.deliver, id)
end

-- Notices owed for longer than NOTICE_RETRY_SECONDS (and not older than
-- NOTICE_WITHIN_HOURS), delivered now. Returns how many.
M.sweep = notice.sweep

return M
