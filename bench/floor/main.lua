-- a bot that answers every message with one short text: the floor of the
-- benchmark's measurement on this machine (engine + inbound runtime + one
-- HTTPS send), no application logic
local http = require "http"
local tg = require "tg"
http.route("GET", "/healthz", function() return 200, "ok" end)
tg.on_update(function(u)
  if u.callback_query then tg.answer(u.callback_query) end
  local chat = tg.chat_id_of(u)
  if chat then tg.send("sendMessage", { chat_id = chat, text = "ok" }) end
end)
tg.start()
return {}
