-- spec/support/tg/echo_main.lua — the scripts/main.lua of the copied root
-- that the tg specs run: the engine's health routes and a tiny bot built
-- only on the `tg` module, whose behaviour the specs steer through the text
-- they send (so each spec needs no code of its own in the engine):
--
--   any text         -> "echo: <text>"               (a reply)
--   "sleep <ms> ..." -> sleeps <ms> first            (slow handlers)
--   "boom"           -> raises                       (handler errors)
--   a button press   -> answerCallbackQuery, then "pressed: <data>"
--
-- Every handled update is also recorded in Redis, for the ordering and
-- exactly-once checks: RPUSH spec:handled:<chat> "<update_id> <text>" when
-- it is done, RPUSH spec:started:<SPEC_TAG> "<chat> <text>" when it starts,
-- and SADD spec:who:<SPEC_TAG> <this process's random id>.
-- POST /spec/send runs tg.send / tg.send_photo calls inside the engine.
-- SPEC_TG_BASE_DELAY / SPEC_TG_MAX_ATTEMPTS shorten tg.send's retries.
local http = require "http"
local redis = require "redis"
local timer = require "timer"
local engine = require "engine"
local json = require "json"
local crypto = require "crypto"
local tg = require "tg"
local health = require "app.health"

local me = crypto.hex(crypto.random_bytes(6))
local tag = os.getenv("SPEC_TAG") or "none"
local send = require "tg.send"
send.BASE_DELAY = tonumber(os.getenv("SPEC_TG_BASE_DELAY") or "") or send.BASE_DELAY
send.MAX_ATTEMPTS = tonumber(os.getenv("SPEC_TG_MAX_ATTEMPTS") or "") or send.MAX_ATTEMPTS

http.route("GET", "/healthz", health.healthz)
http.route("GET", "/metrics", health.metrics)

tg.on_update(function(u)
  local chat = tg.chat_id_of(u)
  local m, q = u.message, u.callback_query
  local text = m and (m.text or (m.contact and "contact " .. m.contact.phone_number)
                     or (m.location and "location")) or (q and "press " .. q.data) or "?"
  redis.pipeline { { "RPUSH", "spec:started:" .. tag, tostring(chat) .. " " .. text },
                   { "SADD", "spec:who:" .. tag, me } }
  local ms = text:match("^sleep (%d+)")
  if ms then timer.sleep(tonumber(ms) / 1000) end
  if text == "boom" then error("deliberate handler failure") end
  assert(redis.call("RPUSH", "spec:handled:" .. tostring(chat), u.update_id .. " " .. text))
  if q then
    tg.answer(q, "ok")
    assert(tg.send("sendMessage", { chat_id = chat, text = "pressed: " .. q.data }))
  else
    assert(tg.send("sendMessage", { chat_id = chat, text = "echo: " .. text }))
  end
end)
tg.start()

-- POST /spec/send {calls = {{method=, params=}, ...} | photo = {params=, media=}}
-- Runs every call concurrently (one unit of work each) and answers with the
-- results in order and the seconds it took.
http.route("POST", "/spec/send", function(req)
  local body = json.decode(req.body)
  local t0 = timer.monotonic()
  local hs = {}
  for i, c in ipairs(body.calls or {}) do
    hs[i] = engine.spawn(function()
      if c.media then return { tg.send_photo(c.params, c.media, c.opts) } end
      return { tg.send(c.method, c.params, c.opts) }
    end)
  end
  local out = {}
  for i, h in ipairs(hs) do
    local ok, r = h:wait()
    out[i] = ok and { result = r[1] ~= nil and r[1] or json.null, error = r[2], code = r[3] }
             or { error = tostring(r) }
  end
  return 200, { results = out, seconds = timer.monotonic() - t0 }
end)

return {}
