-- scripts/main.lua — builds the application of one generation: it registers
-- routes and the bot's update handler, and returns.
-- It runs while the generation loads, so it must not do I/O: registering is
-- all it does (STYLE.md: "rule files register, they do not act").
local http = require "http"
local config = require "config"
local health = require "app.health"

http.route("GET", "/healthz", health.healthz)
http.route("GET", "/metrics", health.metrics)

-- Payme and Click call us (each only when its variables are set).
require("app.payme").install(http)
require("app.click").install(http)

-- The Telegram bot: its handler and long polling (or the webhook).
if config.bot_token then
  require("bot").install()
end

return {
  -- Run before the generation becomes current; a failure keeps the old one.
  selfcheck = function()
    local rules = require "rules"
    if not rules.money then return false, "rules/money.lua is missing" end
    local ok, why = require("bot.selfcheck").run()
    if not ok then return false, why end
    -- the post templates render their samples (templates/posts/)
    return require("shop.posts").check()
  end,
}
