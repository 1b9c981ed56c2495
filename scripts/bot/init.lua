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
  -- still owed (a post that failed, an engine stopped after a commit) are
  -- delivered late, and orders no florist took in time are reported to the
  -- owner (shop/order_flow.lua)
  require("bot.order_notices").subscribe()
  -- items below their threshold, corrections for the owner to decide
  require("bot.stock_notices").subscribe()
  local rules = require "rules"
  require("timer").every(rules.orders.NOTICE_RETRY_SECONDS, function()
    local flow = require "shop.order_flow"
    flow.deliver_late_notices()
    flow.escalate_unclaimed()
  end)
end

return M
