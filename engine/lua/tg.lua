-- engine/lua/tg.lua — the Telegram primitives of the engine (DESIGN.md §2):
-- Bot API calls, the outbound queue with Telegram's limits, photo uploads
-- with a file_id cache, and the inbound runtime (long polling or webhook,
-- a Redis queue, per-chat order across processes). engine/README.md ("`tg`") is the
-- manual; each part lives in engine/lua/tg/*.lua with its reasons.
--
--   local tg = require "tg"
--   tg.on_update(function(u) ... end)   -- while scripts/main.lua loads
--   tg.start()                          -- idem: polling or webhook
--   tg.send("sendMessage", { chat_id = id, text = "..." })
local api = require "tg.api"
local send = require "tg.send"
local media = require "tg.media"
local update = require "tg.update"
local inbound = require "tg.inbound"
local config = require "config"
local timer = require "timer"
local engine = require "engine"
local log = require "log"

local tg = {}

tg.call = api.call
tg.download = api.download
tg.send = send.send
tg.send_photo = media.send_photo
tg.file_id = media.file_id
tg.file_id_command = media.file_id_command
tg.file_id_of = media.file_id_of
tg.remember_file_id = media.remember_file_id
tg.forget_file_id = media.forget_file_id
tg.photo_id = media.photo_id
tg.chat_id_of = update.chat_id_of
tg.user_of = update.user_of
tg.kind_of = update.kind_of

-- Answers a callback query (stops the button's spinner), optionally with a
-- short text; opts.show_alert shows it as a dialog. Failures ("query is too
-- old" after an outage) are returned, not raised.
function tg.answer(callback_query, text, opts)
  local p = { callback_query_id = type(callback_query) == "table" and callback_query.id or callback_query }
  if text then p.text = text end
  if opts then for k, v in pairs(opts) do p[k] = v end end
  return api.call("answerCallbackQuery", p)
end

-- Registers the application's update handler (one per generation; a second
-- call replaces it). Call while the generation loads.
function tg.on_update(fn)
  assert(type(fn) == "function", "tg.on_update: expected a function")
  inbound.set_handler(fn)
end

local started = false

-- Starts receiving updates for this generation: long polling, or the webhook
-- route plus setWebhook when WEBHOOK_URL is set. Call once while the
-- generation loads (scripts/main.lua); the loops begin when the generation
-- becomes current and end when it is retired.
function tg.start()
  if started then return end
  started = true
  local webhook = config.webhook_url ~= nil
  if webhook then require("tg.webhook").install() end
  timer.every(1, function() inbound.heartbeat() end)
  timer.every(inbound.SWEEP_EVERY, inbound.sweep)
  timer.after(0, function()
    local ok, err = inbound.heartbeat()
    if not ok then log.warn("tg: heartbeat failed", { error = err }) end
    if not inbound.has_handler() then log.warn("tg.start: no update handler registered (tg.on_update)") end
    if webhook then
      require("tg.webhook").register()
    else
      require("tg.poll").run()
    end
  end)
  engine.help("guldasta_tg_updates_total", "counter", "Telegram updates handled, by result")
  engine.help("guldasta_tg_update_seconds", "histogram", "time to handle one update")
  engine.help("guldasta_tg_sent_total", "counter", "outbound Bot API calls through tg.send, by result")
end

return tg
