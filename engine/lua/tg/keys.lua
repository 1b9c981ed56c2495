-- engine/lua/tg/keys.lua — the Redis key prefix of this bot: "tg:<8 hex>:",
-- from a hash of BOT_TOKEN. Rate limits are per bot, and update ids are only
-- unique per bot, so two bots (or a spec's emulator with a fresh token)
-- sharing one Redis never see each other's queues, locks or buckets.
local crypto = require "crypto"
local config = require "config"

local M = {}

local prefix
function M.prefix()
  if not prefix then
    prefix = "tg:" .. crypto.hex(crypto.sha256(config.bot_token or "")):sub(1, 8) .. ":"
  end
  return prefix
end

return M
