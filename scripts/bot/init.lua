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
end

return M
