-- devkit/sim/server.lua — the chat simulator's HTTP side: the page
-- (index.html, sim.js, sim.css beside this file) and a small JSON API that
-- lets the page act as Telegram users on a running Bot API emulator
-- (devkit/emulator.lua). A newcomer talks to the bot in a browser
-- without a Telegram account or token; `make demo` serves it.
--
--   local sim = require "devkit.sim.server"
--   sim.install(emu, { personas = { { key = "customer", id = 700001, first_name = "Dilnoza" } },
--                      chats = { { id = -1001, title = "Florists", type = "channel" } } })
--
-- Routes (on the process's HTTP server, beside the emulator's /bot*):
--   GET  /                       the page
--   GET  /favicon.ico            the page's icon (a PNG drawn at start)
--   GET  /sim/<name>             sim.js, sim.css
--   GET  /sim/file/<file_id>     bytes of a photo the bot sent (for <img>)
--   GET  /sim/api/state          bot, personas, group chats (the shop's channel
--                                marked shop = true), current seq
--   GET  /sim/api/updates?since=N&wait=S
--                                messages changed after seq N (long poll up
--                                to S seconds): {seq=, changes={{chat=, message=}}}
--   POST /sim/api/send           {persona, text, chat?}   "/cmd payload" is a command
--   POST /sim/api/press          {persona, chat, message_id, data}: waits
--                                for the bot's answerCallbackQuery (as a
--                                Telegram client shows a spinner until then)
--                                and returns it: {answer={text=, show_alert=}}
--   POST /sim/api/contact        {persona, phone?}: no phone = the persona's
--                                own number (a reply keyboard's request_contact)
--   POST /sim/api/location       {persona, latitude, longitude}
--   POST /sim/api/photo          {persona}: a photo of a bouquet (a florist's
--                                "ready" picture, a courier's proof)
--   POST /sim/api/persona        {key?, id, first_name, language_code?}: a new user
--   GET  /sim/pay?url=<link>     the "pay" page: plays the payment provider for a
--   GET  /sim/pay/payme/<base64>   pay button's link (a Payme or Click checkout;
--                                the demo points PAYME_CHECKOUT_URL here)
--   POST /sim/api/pay_info       {url}: what the link asks to pay
--   POST /sim/api/pay            {url, outcome = "pay" | "fail"}: calls the shop's
--                                /payments/* as the provider would (devkit's
--                                doubles): pay, or a declined card
--
-- A developer tool: English only, no authentication, bind it to 127.0.0.1.
local http = require "http"
local json = require "json"
local fs = require "fs"
local timer = require "timer"
local config = require "config"
local canvas = require "devkit.lib.canvas"
local png = require "devkit.lib.png"

local M = {}

local STATIC = {
  ["index.html"] = "text/html; charset=utf-8",
  ["sim.js"] = "text/javascript; charset=utf-8",
  ["sim.css"] = "text/css; charset=utf-8",
  ["pay.html"] = "text/html; charset=utf-8",
}
local MAX_WAIT = 25          -- seconds a long poll may hold the request
-- How long a press waits for the bot's answer: the emulator refuses answers
-- after its QUERY_ANSWER_WINDOW (15 s), so none can come later than that.
local ANSWER_WAIT = 15

local function dir()
  return config.root .. "/devkit/sim/"
end

local function static(name)
  local ctype = STATIC[name]
  if not ctype then return 404, { error = "not found" } end
  local body, err = fs.read(dir() .. name)
  if not body then return 500, { error = tostring(err) } end
  return 200, body, { ["Content-Type"] = ctype, ["Cache-Control"] = "no-store" }
end

-- The icon browsers ask for at /favicon.ico on every page of this origin
-- (the JSON of /sim/api/* and photos opened in a tab too, which declare no
-- icon of their own): a flower, drawn once.
local favicon
local function icon()
  if favicon then return favicon end
  local c = canvas.new(32, 32)
  c:gradient({ 236, 248, 238 }, { 214, 238, 220 })
  for i = 0, 4 do
    local a = i * 2 * math.pi / 5 - math.pi / 2
    c:circle(16 + 8 * math.cos(a), 16 + 8 * math.sin(a), 6.5, { 222, 70, 110 })
  end
  c:circle(16, 16, 5, { 250, 200, 60 })
  favicon = png.encode(c.w, c.h, c:pixels())
  return favicon
end

local function sniff(data)
  if data:sub(1, 8) == "\137PNG\r\n\26\n" then return "image/png" end
  if data:sub(1, 3) == "\255\216\255" then return "image/jpeg" end
  if data:sub(1, 4) == "RIFF" and data:sub(9, 12) == "WEBP" then return "image/webp" end
  return "application/octet-stream"
end

local function query_param(q, name)
  for k, v in (q or ""):gmatch("([^&=]+)=([^&]*)") do
    if k == name then return v end
  end
end

-- {======================================================================
-- What the page sees of a message
-- =======================================================================

-- A copy of message m with the simulator's bookkeeping: _seq (change
-- number), _deleted, _role ("bot" or "user"), _from (display name),
-- _reply_keyboard (the reply keyboard or its removal the message set).
local function view(emu, m)
  local v = {}
  for k, x in pairs(m) do
    if k ~= "reply_to_message" then v[k] = x end
  end
  v._seq = emu.mseq[m] or 0
  v._deleted = emu.deleted[m] and true or false
  local bot = m.from == emu.bot or (m.sender_chat ~= nil)
  v._role = bot and "bot" or "user"
  local f = m.from or m.sender_chat or {}
  v._from = f.first_name or f.title or f.username or "?"
  v._reply_keyboard = emu.reply_keyboards[m]
  return v
end

local function changes_since(emu, since)
  local out = {}
  for id, chat in pairs(emu.chats) do
    for _, m in ipairs(chat.messages) do
      if (emu.mseq[m] or 0) > since then out[#out + 1] = { chat = id, message = view(emu, m) } end
    end
  end
  table.sort(out, function(a, b) return a.message._seq < b.message._seq end)
  return out
end

-- }======================================================================

-- {======================================================================
-- The API
-- =======================================================================

local Api = {}

local function persona_list(state)
  local out = {}
  for _, p in ipairs(state.order) do
    local v = state.personas[p]
    out[#out + 1] = { key = v.key, id = v.id, first_name = v.first_name, language_code = v.language_code,
                      chat = v.id, phone = v.phone }
  end
  return out
end

function Api.state(state)
  local emu = state.emu
  local chats = {}
  for _, c in ipairs(state.chats) do
    chats[#chats + 1] = { id = c.id, title = c.title, type = c.type, actor = c.actor, shop = c.shop }
  end
  return 200, { bot = emu.bot, personas = persona_list(state), chats = chats, seq = emu.seq }
end

function Api.updates(state, req)
  local emu = state.emu
  local since = math.tointeger(tonumber(query_param(req.query, "since") or "0")) or 0
  local wait = tonumber(query_param(req.query, "wait") or "0") or 0
  if wait > MAX_WAIT then wait = MAX_WAIT end
  local deadline = timer.monotonic() + wait
  while emu.seq <= since and timer.monotonic() < deadline and not emu.stopped do
    timer.sleep(0.05)
  end
  return 200, { seq = emu.seq, changes = changes_since(emu, since) }
end

local function user_of(state, body)
  local p = state.personas[tostring(body.persona)]
  if not p then return nil end
  return state.emu:user(p)
end

local function user_or_fail(state, body)
  local u = user_of(state, body)
  if not u then return nil, 400, { error = "unknown persona " .. tostring(body.persona) } end
  return u
end

function Api.send(state, req, body)
  local u, s, b = user_or_fail(state, body)
  if not u then return s, b end
  local text = body.text
  if type(text) ~= "string" or text == "" then return 400, { error = "text is empty" } end
  local chat = math.tointeger(body.chat)
  if chat and chat ~= u.id then
    if not state.emu.chats[chat] then return 400, { error = "unknown chat" } end
    u:send(text, { chat = chat })
  elseif text:sub(1, 1) == "/" then
    local cmd, payload = text:match("^(%S+)%s+(.-)%s*$")
    if cmd and payload ~= "" then u:command(cmd, payload) else u:command((text:gsub("%s+$", ""))) end
  else
    u:send(text)
  end
  return 200, { ok = true, seq = state.emu.seq }
end

function Api.press(state, req, body)
  local u, s, b = user_or_fail(state, body)
  if not u then return s, b end
  local chat = state.emu.chats[math.tointeger(body.chat) or u.id]
  local m = chat and chat.by_id[math.tointeger(body.message_id) or -1]
  if not m then return 404, { error = "no such message" } end
  if type(body.data) ~= "string" then return 400, { error = "data must be the button's callback_data" } end
  local ok, q = pcall(u.press, u, m, body.data)
  if not ok then return 409, { error = tostring(q) } end
  local deadline = timer.monotonic() + ANSWER_WAIT
  local answer = u:answer_of(q)
  while not answer and timer.monotonic() < deadline and not state.emu.stopped do
    timer.sleep(0.02)
    answer = u:answer_of(q)
  end
  return 200, { ok = true, query = q.id, seq = state.emu.seq, answer = answer }
end

function Api.contact(state, req, body)
  local u, s, b = user_or_fail(state, body)
  if not u then return s, b end
  local phone = body.phone
  if phone == nil then phone = state.personas[tostring(body.persona)].phone end
  if type(phone) ~= "string" or not phone:match("^%+?[%d %-%(%)]+$") then
    return 400, { error = "phone must be digits, e.g. +998901234567" }
  end
  u:share_contact(phone)
  return 200, { ok = true, seq = state.emu.seq }
end

function Api.location(state, req, body)
  local u, s, b = user_or_fail(state, body)
  if not u then return s, b end
  local lat, lon = tonumber(body.latitude), tonumber(body.longitude)
  if not lat or not lon or lat < -90 or lat > 90 or lon < -180 or lon > 180 then
    return 400, { error = "latitude and longitude are needed" }
  end
  u:share_location(lat, lon)
  return 200, { ok = true, seq = state.emu.seq }
end

-- A picture to send as a photo: one of the seeded product photos when the
-- demo catalog is there (MEDIA_DIR/products/*.png), else the emulator's
-- own tiny PNG.
local function sample_photo()
  local dir = (config.media_dir or (config.root .. "/media")) .. "/products"
  local names = fs.list(dir) or {}
  local pngs = {}
  for _, n in ipairs(names) do if n:match("^C%d+%.png$") then pngs[#pngs + 1] = n end end
  if #pngs == 0 then return nil end
  return fs.read(dir .. "/" .. pngs[math.random(#pngs)])
end

function Api.photo(state, req, body)
  local u, s, b = user_or_fail(state, body)
  if not u then return s, b end
  u:send_photo(sample_photo())
  return 200, { ok = true, seq = state.emu.seq }
end

-- A persona's own phone number, the one a request_contact button shares:
-- an Uzbek mobile number made from the user id, written as Telegram sends it
-- (no "+"), so each persona has its own and keeps it.
local function own_phone(id)
  return string.format("99890%07d", id % 10000000)
end

function M.add_persona(state, p)
  local key = tostring(p.key or p.id)
  if not state.personas[key] then state.order[#state.order + 1] = key end
  state.personas[key] = { key = key, id = p.id, first_name = p.first_name or ("User " .. p.id),
                          last_name = p.last_name, username = p.username,
                          language_code = p.language_code, phone = p.phone or own_phone(p.id) }
  state.emu:user(state.personas[key])
  return state.personas[key]
end

function Api.persona(state, req, body)
  local id = math.tointeger(body.id)
  if not id or id <= 0 then return 400, { error = "id must be a positive integer" } end
  local existing = state.emu.users[id]
  if existing and not state.personas[tostring(body.key or id)] then
    -- the emulator already knows this user: just name it for the page
    body.first_name = body.first_name or existing.from.first_name
  end
  local p = M.add_persona(state, { key = body.key, id = id, first_name = body.first_name,
                                   language_code = body.language_code })
  return 200, { ok = true, persona = { key = p.key, id = p.id, first_name = p.first_name,
                                       language_code = p.language_code, chat = p.id, phone = p.phone } }
end

-- {======================================================================
-- The pay page: the provider played with devkit's doubles against the
-- shop's engine (HTTP_LISTEN), with the credentials of this process's
-- configuration (the demo gives both the same ones).
-- =======================================================================

local function pay_link(body)
  local link = require("devkit.providers.checkout_link").read(body.url)
  if not (link and link.order_id and link.amount) then return nil, 400, { error = "not a Payme or Click checkout link" } end
  return link
end

function Api.pay_info(state, req, body)
  local link, s, b = pay_link(body)
  if not link then return s, b end
  local som = link.provider == "payme" and ("%d.%02d"):format(link.amount // 100, link.amount % 100) or link.amount
  return 200, { provider = link.provider, order_id = link.order_id, amount = som }
end

-- Where the shop is and the credentials its providers use: install's
-- opts.pay, else this process's configuration (the demo's).
local function shop(state)
  local p = state.pay or {}
  return {
    url = p.url or ("http://" .. (os.getenv("HTTP_LISTEN") or "127.0.0.1:8080")),
    payme_key = p.payme_key or config.payme_key,
    click_service_id = p.click_service_id or config.click_service_id,
    click_secret = p.click_secret or config.click_secret_key,
  }
end

function Api.pay(state, req, body)
  local link, s, b = pay_link(body)
  if not link then return s, b end
  local fail = body.outcome == "fail"
  local to = shop(state)
  if link.provider == "payme" then
    if not to.payme_key then return 409, { error = "PAYME_KEY is not set for the simulator" } end
    local Payme = require "devkit.providers.payme_caller"
    local pm = Payme.new { url = to.url .. "/payments/payme", key = to.payme_key }
    if fail then
      local c, params = pm:create(link.order_id, link.amount)
      if not (c and c.result) then return 200, { result = "refused", answer = c } end
      local x = pm:cancel(params.id, 3)         -- the card was declined
      return 200, { result = "declined", answer = x }
    end
    local paid, err = pm:pay(link.order_id, link.amount)
    return 200, { result = paid and "paid" or "refused", answer = paid or err }
  end
  if not to.click_secret then return 409, { error = "CLICK_SECRET_KEY is not set for the simulator" } end
  local Click = require "devkit.providers.click_caller"
  local ck = Click.new { url = to.url .. "/payments/click", service_id = to.click_service_id, secret = to.click_secret }
  local a = ck:prepare { merchant_trans_id = link.order_id, amount = link.amount }
  if a.error ~= 0 then return 200, { result = "refused", answer = a } end
  local c = ck:complete { click_trans_id = a.click_trans_id, merchant_trans_id = link.order_id, amount = link.amount,
                          merchant_prepare_id = a.merchant_prepare_id, error = fail and -5017 or 0 }
  return 200, { result = fail and "declined" or (c.error == 0 and "paid" or "refused"), answer = c }
end

local POST_ACTIONS = { send = true, press = true, contact = true, location = true, persona = true,
                       photo = true, pay_info = true, pay = true }
local GET_ACTIONS = { state = true, updates = true }

-- }======================================================================

-- Installs the routes for emulator emu. opts.personas: users the page may
-- act as ({key=, id=, first_name=, language_code=}); opts.chats: group
-- chats and channels to show ({id=, title=, type=, actor=, shop=}: actor, the
-- persona that presses buttons there; shop = true, the shop's public channel,
-- read-only on the page, whose [Order] buttons open the bot as the current
-- customer), created in the emulator so the bot can post there.
-- opts.pay: the shop the pay page pays ({url =, payme_key =,
-- click_service_id =, click_secret =}; default: HTTP_LISTEN and this
-- process's PAYME_KEY, CLICK_SERVICE_ID, CLICK_SECRET_KEY).
function M.install(emu, opts)
  opts = opts or {}
  local state = { emu = emu, personas = {}, order = {}, chats = {}, pay = opts.pay }
  for _, p in ipairs(opts.personas or {}) do M.add_persona(state, p) end
  for _, c in ipairs(opts.chats or {}) do
    emu:chat(c.id, { type = c.type, title = c.title })
    state.chats[#state.chats + 1] = { id = c.id, title = c.title, type = c.type or "supergroup",
                                      actor = c.actor, shop = c.shop == true }
  end

  http.route("GET", "/", function() return static("index.html") end)
  http.route("GET", "/favicon.ico", function()
    return 200, icon(), { ["Content-Type"] = "image/png", ["Cache-Control"] = "max-age=86400" }
  end)
  http.route("GET", "/sim/*", function(req)
    if req.path:match("^/sim/pay/") then return static("pay.html") end
    local name = req.path:match("^/sim/([%w%._%-]+)$")
    if name == "pay" then return static("pay.html") end
    if name then return static(name) end
    local fid = req.path:match("^/sim/file/([%w_%-]+)$")
    if fid then
      local f = emu.files[fid]
      if not f or not f.data then return 404, { error = "no such file" } end
      return 200, f.data, { ["Content-Type"] = sniff(f.data), ["Cache-Control"] = "max-age=3600" }
    end
    return 404, { error = "not found" }
  end)
  http.route("*", "/sim/api/*", function(req)
    local action = req.path:match("^/sim/api/([%w_]+)$")
    if req.method == "GET" and GET_ACTIONS[action] then return Api[action](state, req) end
    if req.method == "POST" and POST_ACTIONS[action] then
      local body = json.decode(req.body ~= "" and req.body or "{}")
      if type(body) ~= "table" then return 400, { error = "the body must be a JSON object" } end
      return Api[action](state, req, body)
    end
    return 404, { error = "no such action" }
  end)
  return state
end

return M
