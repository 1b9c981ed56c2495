-- scripts/shop/payments/news.lua — a failed payment attempt, told to the
-- customer ("it did not go through: try again, or pay in cash") as the
-- event "payment.failed" { order =, provider =, reason = } (shop/events.lua;
-- the bot presents it). The attempt's `payments` row carries the notice
-- (news_at, news_claimed_at: 0005), as order_events rows carry the
-- order's moves (shop/notices.lua): delivered right after the commit,
-- and by the sweep of any engine process if that process died or
-- Telegram refused. A paid payment needs none of this: it moves the order
-- (pending -> paid), and that move's notice tells the customer.
--
-- The news is owed only while the order still awaits payment with no
-- other attempt under way: an attempt cancelled because a new one began,
-- or because the order was cancelled or paid otherwise, is marked and
-- nobody is told.
local pg = require "pg"
local events = require "shop.events"
local flow = require "shop.order_flow"
local notices = require "shop.notices"

local M = {}

local LIVE = [[SELECT 1 FROM payments WHERE order_id = $1 AND state IN ('created', 'performed') LIMIT 1]]

local function null(v) if v == pg.null then return nil end return v end

local news = notices.kind {
  what = "payment news", table = "payments", at = "cancel_time",
  done = "news_at", claimed = "news_claimed_at", where = "state = 'cancelled'",
  returning = "order_id, provider, reason",
  tell = function(e)
    local o = flow.get(e.order_id)
    local live = pg.query(LIVE, e.order_id)
    if o and o.status == "pending" and o.payment_status == "pending" and live and not live[1] then
      return events.emit("payment.failed", { order = o, provider = e.provider, reason = null(e.reason) })
    end
    return true   -- nobody is owed it any more
  end,
}

-- Delivers the news of payment `id` if it is owed and nobody has. true
-- when it is done (by this call or before).
M.deliver = news.deliver

-- News owed for longer than NOTICE_RETRY_SECONDS (and not older than
-- NOTICE_WITHIN_HOURS), delivered now. Returns how many.
M.sweep = news.sweep

return M
