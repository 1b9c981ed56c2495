-- scripts/bot/init.lua — the customer-facing bot: install() hands the
-- router to the tg module and starts receiving updates (long polling, or
-- the webhook when WEBHOOK_URL is set). Called by scripts/main.lua while
-- the generation loads; tg.start itself waits for the generation to become
-- current before it polls.
local M = {}

function M.install()
  local tg = require "tg"
  local router = require "bot.router"
  tg.on_update(router.handle)
  tg.start()
  -- users changed by another process leave this one's cache (shop/users.lua)
  local users = require "shop.users"
  require("timer").every(users.CHANGES_EVERY, users.read_changes)
  -- the bot tells people what the shop did (shop/events.lua); notices
  -- still owed (a post that failed, an engine stopped after a commit: an
  -- order's move, a manager's assignment, a claim for the owner) are
  -- delivered late, and orders no florist took in time are reported to the
  -- owner (shop/order_flow.lua)
  require("bot.order_notices").subscribe()
  require("bot.feedback").subscribe()
  require("bot.pay").subscribe()
  -- items below their threshold, corrections for the owner to decide
  require("bot.stock_notices").subscribe()
  local rules = require "rules"
  require("timer").every(rules.orders.NOTICE_RETRY_SECONDS, function()
    local flow = require "shop.order_flow"
    flow.deliver_late_notices()
    require("shop.flow.assign").sweep()
    require("shop.claims").sweep()
    flow.escalate_unclaimed()
  end)
  -- "often chosen together" and the season's best sellers, recomputed from
  -- orders away from any customer's request (shop/recommend/job.lua); the
  -- first run soon after start, then one per period across all processes.
  -- The due time is in PostgreSQL, so a check each minute finds it within
  -- a minute, however the processes were started and restarted.
  local job = require "shop.recommend.job"
  require("timer").after(5, job.tick)
  require("timer").every(math.min(rules.recommend.RECOMPUTE_SECONDS, 60), job.tick)
  -- unpaid online orders whose hold ran out are cancelled (the customer is
  -- told by the cancellation's notice), failed payments' news still owed
  -- is delivered, and the failure rate is published on /metrics; checked
  -- a few times within each hold (shop/payments/hold.lua)
  -- channel posts whose time has come, and those missed while the engine
  -- was down, soon after start (each claimed by one process: bot/channel.lua)
  local channel = require "bot.channel"
  require("timer").after(1, channel.tick)
  require("timer").every(rules.channel.CHECK_SECONDS, channel.tick)
  -- the owner's daily summary once REPORT_HOUR has come (one process of
  -- any number sends it; a process back later that day still does), and
  -- today's figures on /metrics
  local report = require "bot.report"
  local function summary() report.tick() end
  require("timer").after(3, summary)
  require("timer").every(rules.reports.CHECK_SECONDS, summary)
  local function figures() require("shop.reports.metrics").publish() end
  require("timer").after(4, figures)
  require("timer").every(rules.reports.METRICS_SECONDS, figures)
  -- the lots near the end of their vase life, to the florists' chat once
  -- per day from LOTS_HOUR (one process of any number sends it; a process
  -- back later that day still does: shop/inventory/ageing.lua)
  local ageing = require "shop.inventory.ageing"
  local function lots_list() ageing.tick() end
  require("timer").after(6, lots_list)
  require("timer").every(rules.inventory.LOTS_CHECK_SECONDS, lots_list)
  -- feedback requests due (ASK_AFTER_DAYS after delivery), and those
  -- missed while the engine was down, soon after start; each claimed by
  -- one process (shop/feedback.lua); the NPS gauge on /metrics
  local feedback = require "bot.feedback"
  require("timer").after(2, feedback.tick)
  require("timer").every(rules.feedback.CHECK_SECONDS, feedback.tick)
  -- reminders due (DAYS_BEFORE the same date next year), and those missed
  -- while the engine was down unless their date has passed (then
  -- skipped), soon after start; each claimed by one process
  -- (shop/reminders.lua)
  local remind = require "bot.reminders"
  require("timer").after(2, remind.tick)
  require("timer").every(rules.reminders.CHECK_SECONDS, remind.tick)
  -- substitutes proposed to customers: their answer time (then the owner
  -- decides), and the proposals and owner questions still owed, each
  -- claimed by one process (shop/substitution.lua)
  local substitution = require "bot.substitution"
  substitution.subscribe()
  require("timer").after(2, substitution.tick)
  require("timer").every(rules.substitution.CHECK_SECONDS, substitution.tick)
  local every = math.max(1, math.min(rules.orders.NOTICE_RETRY_SECONDS, rules.payments.HOLD_MINUTES * 60 / 4))
  require("timer").every(every, function()
    local payments = require "shop.payments"
    payments.expire_holds()
    payments.news_sweep()
    payments.owner_notices_sweep()
    payments.publish_rate()
  end)
end

return M
