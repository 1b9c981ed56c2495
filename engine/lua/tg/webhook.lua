-- engine/lua/tg/webhook.lua — webhook mode: setWebhook with the secret token,
-- and POST /telegram/webhook.
--
-- The route answers 200 only after the update is in the Redis queue (so a
-- crash right after the 200 loses nothing), then handling goes on in the
-- chat's worker, not in the request. A request without the right
-- X-Telegram-Bot-Api-Secret-Token gets 401 and touches nothing. When Redis
-- is unavailable the answer is 503 with Retry-After, and Telegram retries.
-- A retried update_id is answered 200 and not queued again. A body that is
-- no well-formed update (tg/shape.lua) is answered 200 too, and dropped
-- with one warning: any other answer would have Telegram deliver it again
-- and again, ahead of everything behind it.
local http = require "http"
local crypto = require "crypto"
local config = require "config"
local api = require "tg.api"
local shape = require "tg.shape"
local inbound = require "tg.inbound"
local timer = require "timer"
local log = require "log"
local engine = require "engine"

local M = {}

M.PATH = "/telegram/webhook"
M.MAX_CONNECTIONS = 100

function M.route(req)
  local secret = req.headers["x-telegram-bot-api-secret-token"]
  if not secret or not config.webhook_secret or not crypto.equals(secret, config.webhook_secret) then
    engine.counter("guldasta_tg_webhook_total", 'result="unauthorized"', 1)
    return 401, { error = "unauthorized" }
  end
  local u, why, raw = shape.decode(req.body)
  if not u then
    engine.counter("guldasta_tg_webhook_total", 'result="malformed"', 1)
    shape.drop(raw, why, "webhook")
    return 200, ""
  end
  local r, err = inbound.enqueue({ u }, { req.body })
  if not r then
    engine.counter("guldasta_tg_webhook_total", 'result="unavailable"', 1)
    log.warn("tg: webhook update not queued", { update_id = u.update_id, error = err })
    return 503, { error = "queue unavailable" }, { ["Retry-After"] = "1" }
  end
  engine.counter("guldasta_tg_webhook_total", (r[1] == 1 or r[1] == "L") and 'result="queued"' or 'result="duplicate"', 1)
  return 200, ""
end

function M.install()
  http.route("POST", M.PATH, M.route)
end

-- Registers the webhook with Telegram; retried until it works or the
-- generation is retired.
function M.register()
  local attempt = 0
  while engine.current() do
    local ok, err, code = api.call("setWebhook", {
      url = config.webhook_url, secret_token = config.webhook_secret,
      max_connections = M.MAX_CONNECTIONS, drop_pending_updates = false,
    })
    if ok then return true end
    attempt = attempt + 1
    log.warn("tg: setWebhook failed", { error = err, code = code, attempt = attempt })
    timer.sleep(math.min(30, 2 ^ attempt))
  end
end

return M
