-- devkit/emulator.lua — a Telegram Bot API server for specs and the
-- demo. It runs on the engine's own HTTP server, speaks the real protocol
-- (POST|GET /bot<token>/<method>, JSON, urlencoded or multipart; updates by
-- long polling or by webhook) so the bot under test cannot tell it from
-- api.telegram.org, and it plays the people: a spec acts as a user (types,
-- sends a command, presses an inline button, shares a contact or a location)
-- and reads what the bot sent or edited in that chat.
--
--   local Emulator = require "devkit.emulator"
--   local emu = Emulator.start { token = "test-token" }   -- emu.api_url -> TELEGRAM_API_URL
--   local u = emu:user { id = 5001, first_name = "Aziza", language_code = "uz" }
--   u:command("/start")
--   local m = u:wait_message(function(m) return m.text and m.text:find("til") end)
--   u:press(m, "O'zbekcha")
--   emu:stop()
--
-- See spec/README.md for the whole API.
local http = require "http"
local timer = require "timer"
local json = require "json"
local crypto = require "crypto"
local wire = require "devkit.emulator.wire"
local methods = require "devkit.emulator.methods"
local limits = require "devkit.emulator.limits"
local webhook = require "devkit.emulator.webhook"
-- (users and chats as specs drive them: devkit/emulator/people.lua)

local Emulator = {}
Emulator.__index = Emulator

-- Every emulator of this process, by token: the routes are registered once
-- and dispatch on the token in the path, so specs can start and stop
-- emulators freely in one process.
local by_token = {}
local routes_installed = false

local UPDATE_TTL = { callback_query = 150, shipping_query = 150, pre_checkout_query = 150 }
local MESSAGE_TTL = 86400

-- {=====================================================================
-- HTTP entry points
-- ======================================================================

local function dispatch(req)
  local token, name = req.path:match("^/bot([^/]+)/([%w_]+)$")
  local emu = token and by_token[token]
  if not emu then
    if token and not by_token[token] then return wire.fail(401, "Unauthorized") end
    return wire.fail(404, "Not Found")
  end
  local fn = methods[name:lower()]
  if not fn or name:lower() == "new_file_id" then return wire.fail(404, "Not Found: method not found") end
  local p, files = wire.params(req)
  if not p then return wire.fail(400, "Bad Request: " .. files) end
  local status, body, headers
  local delay = emu.delays[name:lower()] or emu.delays["*"]
  if delay then timer.sleep(delay) end
  local fault = emu.faults[name:lower()]
  if fault and fault.n > 0 and (not fault.chat or tostring(p.chat_id) == tostring(fault.chat)) then
    fault.n = fault.n - 1
    fault.held = (fault.held or 0) + (fault.hold and 1 or 0)
    if fault.hold then timer.sleep(fault.hold) end
    if fault.flood then emu.stats.rate_limited = emu.stats.rate_limited + 1 end
    status, body = fault.status, fault.body
  else
    status, body, headers = fn(emu, p, files)
  end
  emu.stats.calls = emu.stats.calls + 1
  emu.stats.by_method[name] = (emu.stats.by_method[name] or 0) + 1
  if emu.log_calls then
    emu.calls[#emu.calls + 1] = { method = name, params = p, status = status, at = timer.monotonic(),
                                  error = type(body) == "table" and body.description or nil }
  end
  return status, body, headers
end

local function serve_file(req)
  local token, path = req.path:match("^/file/bot([^/]+)/(.+)$")
  local emu = token and by_token[token]
  if not emu then return 401, "Unauthorized" end
  local f = emu.file_paths[path]
  if not f or not f.data then return 404, "Not Found" end
  return 200, f.data, { ["Content-Type"] = "application/octet-stream" }
end

local function install_routes()
  if routes_installed then return end
  routes_installed = true
  http.route("*", "/bot*", dispatch)
  http.route("GET", "/file/bot*", serve_file)
end

-- {=====================================================================
-- Life cycle
-- ======================================================================

-- opts: token (default "test-token"), host/port (default: the process's
-- HTTP server, started on a free port if there is none), limits (false =
-- no flood limits; a table overrides the numbers of emulator/limits.lua),
-- webhook_retry_cap (seconds, default 60), log_calls (default true),
-- bot (fields of getMe's User).
function Emulator.start(opts)
  opts = opts or {}
  local token = opts.token or "test-token"
  assert(not by_token[token], "an emulator for this token is already running")
  local port = http.port()
  if not port then
    local err
    port, err = http.serve(opts.host or "127.0.0.1", opts.port or 0)
    assert(port, err)
  end
  install_routes()
  local bot = { id = 7000001, is_bot = true, first_name = "Guldasta", username = "guldasta_test_bot",
                can_join_groups = true, can_read_all_group_messages = false, supports_inline_queries = false }
  for k, v in pairs(opts.bot or {}) do bot[k] = v end
  local emu = setmetatable({
    token = token, bot = bot, port = port,
    api_url = "http://127.0.0.1:" .. port,
    chats = {}, users = {},
    queue = {},              -- updates not yet confirmed, in update_id order
    next_update = math.random(1000000, 900000000), -- like Telegram after a quiet week: ids start anywhere
    seq = 0,                 -- change counter: every message sent, edited or deleted
    poller = 0,
    files = {}, file_paths = {}, queries = {},
    -- strong tables, emptied by trim: weak-keyed (ephemeron) tables of
    -- every message made each collection's atomic, stop-the-world step walk
    -- them all — a pause of the whole emulator in long benchmark runs
    mseq = {}, deleted = {},
    reply_keyboards = {},    -- message -> the reply keyboard (or removal) it set
    mjson = {},              -- message -> {seq, its JSON text} (message_json)
    limits = limits.new(opts.limits),
    webhook = nil,
    webhook_retry_cap = opts.webhook_retry_cap or 60,
    webhook_timeout = opts.webhook_timeout or 60,
    log_calls = opts.log_calls ~= false,
    faults = {}, delays = {},
    calls = {},
    stats = { calls = 0, by_method = {}, rate_limited = 0, uploads = 0,
              webhook_posts = 0, webhook_failures = 0, expired = 0,
              handed_out = 0 },  -- updates in getUpdates answers, repeats included
  }, Emulator)
  by_token[token] = emu
  return emu
end

function Emulator:stop()
  self.stopped = true
  if self.poll_waiter then self.poll_waiter:notify() end
  if self.webhook then self.webhook:stop() end
  by_token[self.token] = nil
end

function Emulator:next_seq()
  self.seq = self.seq + 1
  return self.seq
end

-- {=====================================================================
-- Chats and messages
-- ======================================================================

local function chat_ref(chat)
  if chat.type == "private" then
    return { id = chat.id, type = "private", first_name = chat.first_name,
             last_name = chat.last_name, username = chat.username }
  end
  return { id = chat.id, type = chat.type, title = chat.title }
end

function Emulator:add_chat(id, fields)
  local chat = self.chats[id]
  if chat then return chat end
  chat = { id = id, messages = {}, by_id = {}, next_id = 0, mark = 0, changes = {} }
  for k, v in pairs(fields) do chat[k] = v end
  chat.ref = chat_ref(chat)
  self.chats[id] = chat
  return chat
end

-- Records a change of message m: the "newest message or edit" that
-- wait_message looks for is the one with the highest seq.
-- The bookkeeping lives beside the messages, never in them: messages are
-- sent to the bot as they are.
function Emulator:touch(m)
  local seq = self:next_seq()
  self.mseq[m] = seq
  local chat = self.chats[m.chat.id]
  local log = chat.changes
  log[#log + 1] = { seq = seq, m = m }
  if self.on_change and (m.from == self.bot or m.sender_chat) then self.on_change(m, chat) end
end

function Emulator:delete(m)
  self.deleted[m] = true
  self:touch(m)
end

-- Adds m (a new message, from anyone) to chat.
function Emulator:append(chat, m)
  chat.next_id = chat.next_id + 1
  m.message_id = chat.next_id
  m.date = os.time()
  m.chat = chat.ref
  chat.messages[#chat.messages + 1] = m
  chat.by_id[m.message_id] = m
  self:touch(m)
  return m
end

-- Forgets all but the last `keep` messages (and changes) of chat `id`: a
-- long benchmark run would otherwise keep every message of 10 000 chats.
function Emulator:trim(id, keep)
  local chat = self.chats[id]
  if not chat then return end
  local msgs, log = chat.messages, chat.changes
  local drop = #msgs - keep
  if drop > 0 then
    for i = 1, drop do
      local m = msgs[i]
      chat.by_id[m.message_id] = nil
      self.mseq[m], self.deleted[m], self.mjson[m], self.reply_keyboards[m] = nil, nil, nil, nil
    end
    table.move(msgs, drop + 1, #msgs, 1)
    for i = #msgs, #msgs - drop + 1, -1 do msgs[i] = nil end
  end
  drop = #log - keep
  if drop > 0 then
    table.move(log, drop + 1, #log, 1)
    for i = #log, #log - drop + 1, -1 do log[i] = nil end
  end
end

-- m's JSON text, encoded once per change of m (touch): the answer to the
-- bot's send or edit, and the pressed message inside a button press's
-- update, are the same text (update_json).
function Emulator:message_json(m)
  local seq = self.mseq[m]
  local c = self.mjson[m]
  if c and c[1] == seq then return c[2] end
  local text = assert(json.encode(m))
  self.mjson[m] = { seq, text }
  return text
end

function Emulator:bot_message(chat, fields)
  local m = fields
  if chat.type == "channel" then m.sender_chat = chat.ref else m.from = self.bot end
  return self:append(chat, m)
end

function Emulator:add_file(data, width, height, path)
  local n = self:next_seq()
  local f = { file_id = methods.new_file_id(), file_unique_id = "AQAD" .. crypto.hex(crypto.random_bytes(6)),
              data = data, size = data and #data or nil, width = width, height = height,
              path = path and ("documents/file_" .. n .. "_" .. path) or ("photos/file_" .. n .. ".jpg") }
  self.files[f.file_id] = f
  self.file_paths[f.path] = f
  return f
end

-- {=====================================================================
-- Updates
-- ======================================================================

-- message_json: for a button press, the pressed message's JSON text as it
-- was when pressed (body.message is a copy of it), for update_json.
function Emulator:push_update(kind, body, chat_id, message_json)
  self.next_update = self.next_update + 1
  local u = { update_id = self.next_update, [kind] = body }
  local item = { update = u, kind = kind, chat = chat_id, at = timer.monotonic(), message_json = message_json }
  self.queue[#self.queue + 1] = item
  self.last_item = item
  if self.webhook then self.webhook:push(item) end
  if self.poll_waiter then self.poll_waiter:notify() end
  return u
end

local PRESS_OPEN = '"callback_query":{'

-- An update's JSON text, made once however often it is handed out. A
-- button press carries the pressed message whole: its text is spliced in
-- from message_json instead of being encoded again (in the bot benchmark
-- encoding updates was an eighth of the load process's time).
function Emulator:update_json(item)
  local text = item.json
  if text then return text end
  local u = item.update
  local q = u.callback_query
  if q and item.message_json and q.message and q.id then
    local m = q.message
    q.message = nil
    text = assert(json.encode(u))
    q.message = m
    local at = assert(text:find(PRESS_OPEN, 1, true)) + #PRESS_OPEN - 1
    text = text:sub(1, at) .. '"message":' .. item.message_json .. "," .. text:sub(at + 1)
  else
    text = assert(json.encode(u))
  end
  item.json = text
  return text
end

function Emulator:expired(item)
  local ttl = UPDATE_TTL[item.kind] or MESSAGE_TTL
  if timer.monotonic() - item.at > ttl then
    self.stats.expired = self.stats.expired + 1
    return true
  end
  return false
end

-- An update was accepted by the bot (webhook 2xx, or confirmed by offset).
function Emulator:finish(item)
  item.done = true
end

-- Drops the finished updates from the queue. The queue is in update_id
-- order (push_update appends) and confirming finishes a prefix of it, so
-- this is normally a cheap cut of the front; finished ones further in
-- (expired, delivered by webhook out of turn) go when the front reaches
-- them. Under overload the queue holds thousands: a full sweep on every
-- getUpdates was most of the benchmark's load generator.
local function compact(self)
  local q = self.queue
  local n = #q
  local first = 1
  while first <= n and q[first].done do first = first + 1 end
  if first == 1 then return end
  table.move(q, first, n, 1)
  for i = n, n - first + 2, -1 do q[i] = nil end
end

-- getUpdates' offset: every update below it is confirmed and forgotten; a
-- negative offset keeps only the last -offset updates.
function Emulator:confirm(offset)
  local q = self.queue
  if offset < 0 then
    local keep = -offset
    local live = 0
    for i = #q, 1, -1 do
      if not q[i].done then
        live = live + 1
        if live > keep then q[i].done = true end
      end
    end
  else
    for _, item in ipairs(q) do
      if item.update.update_id >= offset then break end
      item.done = true
    end
  end
  compact(self)
end

-- The updates getUpdates hands out (oldest first, at most limit), and the
-- same as JSON texts: an update is encoded once, however often a bot that
-- confirms late is sent it again.
function Emulator:take_updates(limit)
  local out, texts = {}, {}
  local now = timer.monotonic()
  for _, item in ipairs(self.queue) do
    if #out >= limit then break end
    if not item.done then
      if self:expired(item) then
        item.done = true
      else
        if not item.first_out then
          item.first_out = now     -- when the bot first had it (benchmarks read it)
          self.limits:credit(item.chat, now)
        end
        out[#out + 1] = item.update
        texts[#out] = self:update_json(item)
      end
    end
  end
  self.stats.handed_out = self.stats.handed_out + #out
  return out, texts
end

function Emulator:pending_count()
  local n = 0
  for _, item in ipairs(self.queue) do if not item.done then n = n + 1 end end
  return n
end

function Emulator:drop_pending()
  for _, item in ipairs(self.queue) do item.done = true end
  compact(self)
  if self.webhook then self.webhook.queues = {} end
end

function Emulator:set_webhook(cfg)
  if self.webhook then self.webhook:stop() end
  self.webhook = nil
  if not cfg then return end
  self.webhook = webhook.new(self, cfg)
  self.poller = self.poller + 1 -- a long poll in progress ends
  if self.poll_waiter then self.poll_waiter:notify() end
  compact(self)
  for _, item in ipairs(self.queue) do
    if not item.done then self.webhook:push(item) end
  end
end

-- {=====================================================================
-- Inspection for specs
-- ======================================================================

-- Replaces the flood limits (same options as Emulator.start's `limits`).
function Emulator:set_limits(opts)
  self.limits = limits.new(opts)
end

-- Makes the next n calls of `method` (to chat_id only, when given) fail
-- with HTTP `status` (default 500) and Telegram's envelope, or, with raw =
-- true, a body that is not JSON (a proxy's error page): for retry and
-- backoff specs.
function Emulator:fail(method, n, status, raw, chat_id)
  status = status or 500
  local body = raw and "<html>bad gateway</html>"
    or { ok = false, error_code = status, description = status >= 500 and "Internal Server Error" or "Bad Request" }
  self.faults[method:lower()] = { n = n, status = status, body = body, chat = chat_id }
end

-- Makes the next n calls of `method` (to chat_id only, when given) answer
-- 429 with parameters.retry_after = `retry_after` seconds, as Telegram does
-- past a flood limit the emulator's own buckets would not have reached: for
-- specs that the wait is honoured. Counted in stats.rate_limited like the
-- buckets' own 429s.
function Emulator:flood(method, n, retry_after, chat_id)
  self.faults[method:lower()] = { n = n, status = 429, flood = true, chat = chat_id,
    body = { ok = false, error_code = 429, description = "Too Many Requests: retry after " .. retry_after,
             parameters = { retry_after = retry_after } } }
end

-- Makes the next n calls of `method` hang for `seconds`, then fail with a
-- 502 without having done anything: a Bot API that stopped answering, to
-- catch the engine in the middle of a call. faults[method].held counts
-- the calls caught so.
function Emulator:hold(method, n, seconds)
  self.faults[method:lower()] = { n = n, hold = seconds, status = 502,
    body = { ok = false, error_code = 502, description = "Bad Gateway" } }
end

-- Makes every call of `method` ("*": of any method) wait `seconds`
-- before it is answered, as a slow Bot API would; nil seconds: no wait.
function Emulator:slow(method, seconds)
  self.delays[method:lower()] = seconds
end

-- Method calls the bot made (when log_calls is on), optionally only `name`.
function Emulator:calls_of(name)
  local out = {}
  for _, c in ipairs(self.calls) do
    if not name or c.method:lower() == name:lower() then out[#out + 1] = c end
  end
  return out
end

require("devkit.emulator.people").install(Emulator)
return Emulator
