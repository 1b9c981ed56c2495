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
local log = require "log"
local rules = require "rules"
local events = require "shop.events"
local flow = require "shop.order_flow"
local notices = require "shop.notices"

local M = {}

local CLAIM = [[
  UPDATE payments SET news_claimed_at = now()
   WHERE id = $1 AND news_at IS NULL AND state = 'cancelled'
     AND (news_claimed_at IS NULL OR news_claimed_at < now() - make_interval(secs => $2))
  RETURNING order_id, provider, reason]]

local LIVE = [[SELECT 1 FROM payments WHERE order_id = $1 AND state IN ('created', 'performed') LIMIT 1]]

local function null(v) if v == pg.null then return nil end return v end

-- Delivers the news of payment `id` if it is owed and nobody has. true
-- when it is done (by this call or before).
function M.deliver(id)
  local rows, err = pg.query(CLAIM, id, rules.orders.NOTICE_LEASE_SECONDS)
  if not rows then
    log.warn("payment news: claim failed", { payment = id, err = tostring(err) })
    return false
  end
  local e = rows[1]
  if not e then return true end
  local o = flow.get(e.order_id)
  local live = pg.query(LIVE, e.order_id)
  local done = true
  if o and o.status == "pending" and o.payment_status == "pending" and live and not live[1] then
    done = events.emit("payment.failed", { order = o, provider = e.provider, reason = null(e.reason) })
  end
  if done then
    pg.query("UPDATE payments SET news_at = now() WHERE id = $1", id)
  else
    pg.query("UPDATE payments SET news_claimed_at = NULL WHERE id = $1", id)
  end
  return done
end

-- News owed for longer than NOTICE_RETRY_SECONDS (and not older than
-- NOTICE_WITHIN_HOURS), delivered now. Returns how many.
local OWED = [[
  SELECT id FROM payments
   WHERE news_at IS NULL AND state = 'cancelled'
     AND cancel_time < now() - make_interval(secs => $1) AND cancel_time > now() - make_interval(hours => $2)
     AND (news_claimed_at IS NULL OR news_claimed_at < now() - make_interval(secs => $3))
   ORDER BY id LIMIT 50]]

function M.sweep() return notices.sweep_with(OWED, M.deliver, "payment news") end

return M
