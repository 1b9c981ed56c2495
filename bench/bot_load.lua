-- bench/bot_load.lua — the other side of the bot benchmark: the Bot API
-- emulator plus the simulated customers, in a process of its own so that
-- the load generator's CPU is not the engine's. bench/bot_bench.lua starts
-- it and drives it over HTTP:
--
--   guldasta run bench/bot_load.lua PORT
--   POST /bench/step {mode=, rate=, users=, concurrency=, secs=} -> figures
--
-- Each customer is an emulator user (devkit/emulator) doing what a
-- customer does in the catalog: /start (the menu), pressing category
-- buttons, opening product cards, typing a search. What is measured is the
-- time from an update being made available (push_update, before any
-- getUpdates or webhook POST) to the bot's first reply to it arriving here
-- (a message sent or edited in that chat). One chat's updates are answered
-- in order, so a chat's replies match its updates first in, first out.
--
-- Load shapes:
--   open    `rate` updates/s whatever the bot does (an open loop is the only
--           honest way to measure a tail at a rate); customers taken in
--           turn from `users`, so each sends once per users/rate seconds.
--   closed  `concurrency` customers, each sending its next update as soon
--           as the previous one is answered (the grammY figures' shape);
--           every update goes to the next of `users` chats in turn.
local load = require "bench.lib.load"
local crowd = require "bench.lib.crowd"
local stats = require "bench.lib.stats"
local timer = require "timer"
local http = require "http"

local emu, port = load.start("bench/bot_load.lua", (...))

local BASE_ID = 900000000                   -- bench customers' Telegram ids: BASE_ID + 1..users
local SEARCHES = { "atirgul", "роза", "lola", "qo'g'irchoq", "qoʻgʻirchoq", "қизил", "пион",
                   "guldasta", "oq", "xrizantema", "savat", "tulpan", "гул", "orxideya" }
local MIX = { { "start", 15 }, { "browse", 35 }, { "card", 25 }, { "search", 25 } }

-- a customer's state: q = its updates waiting for a reply (oldest first),
-- msg = the bot's last message to it with buttons
local people = crowd.new(emu, BASE_ID, function(st) st.q = {} end)
local step                -- the running step's counters, or nil
-- BENCH_LAT_DUMP=path: every update's send time and latency are appended
-- there (for finding when in a step the slow ones happened)
local DUMP = os.getenv("BENCH_LAT_DUMP")

local function pick_kind()
  local r = math.random(100)
  for _, m in ipairs(MIX) do
    if r <= m[2] then return m[1] end
    r = r - m[2]
  end
  return "search"
end

-- The callback data of a random button of the chat's last keyboard whose
-- data starts with `prefix`, or nil.
local function button(st, prefix)
  local m = st.msg
  local cur = m and st.u.chat.by_id[m.message_id]
  local kb = cur and not emu.deleted[cur] and cur.reply_markup and cur.reply_markup.inline_keyboard
  if not kb then return nil end
  local found = {}
  for _, row in ipairs(kb) do
    for _, b in ipairs(row) do
      local d = b.callback_data
      if d and d:sub(1, #prefix) == prefix then found[#found + 1] = d end
    end
  end
  if #found == 0 then return nil end
  return found[math.random(#found)], cur
end

-- Sends one customer update; returns its kind.
local function act(st)
  local kind = pick_kind()
  local u = st.u
  if kind == "card" then
    local d, m = button(st, "p:")
    if d then u:press(m, d) return "card" end
    kind = "browse"
  end
  if kind == "browse" then
    local d, m = button(st, "c:")
    if d then u:press(m, d) return "browse" end
    u:command("/catalog")
    return "browse"
  end
  if kind == "start" then u:command("/start") return "start" end
  u:send(SEARCHES[math.random(#SEARCHES)])
  return "search"
end

local function send(st, slot)
  local at = timer.monotonic()
  local kind = act(st)
  local q = st.q
  q[#q + 1] = { at = at, kind = kind, slot = slot, item = step.at and emu.last_item or nil }
  step.sent = step.sent + 1
  step.kinds[kind] = (step.kinds[kind] or 0) + 1
  -- a long run keeps only the tail of each chat's history
  if #st.u.chat.messages > 6 then emu:trim(st.u.chat.id, 3) end
end

local function idle(st) return #st.q == 0 end

-- The next customer in turn with nothing pending (nil when all are busy).
local function next_person() return people:next(step, idle) end

local function fire(slot)
  local st = next_person()
  if not st then step.starved = step.starved + 1 return end
  slot.st = st
  send(st, slot)
end

-- Every change the bot makes in a chat: the first one after an update is
-- its reply.
emu.on_change = function(m, chat)
  local st = people.by_chat[chat.id]
  if not st then return end
  if m.reply_markup then st.msg = m end
  local p = table.remove(st.q, 1)
  if not p then return end
  if not step then return end
  local lat = timer.monotonic() - p.at
  step.lat[#step.lat + 1] = lat
  if step.at then
    local n = #step.lat
    step.at[n], step.kind[n] = p.at, p.kind
    step.fetch[n] = p.item and p.item.first_out and p.item.first_out - p.at or -1
    step.ids[n] = p.item and p.item.update.update_id or 0
  end
  step.replied = step.replied + 1
  if p.slot and step.closed and not step.stopping then fire(p.slot) end
end

-- Runs one step; returns its figures.
local function run_step(o)
  local users, secs = o.users or 10000, o.secs or 20
  for i = 1, users do people:get(i) end
  for _, st in ipairs(people.list) do st.q = {} end
  step = { sent = 0, replied = 0, lat = {}, kinds = {}, starved = 0, users = users,
           cursor = math.random(users), closed = o.mode == "closed",
           at = DUMP and {} or nil, kind = DUMP and {} or nil, fetch = DUMP and {} or nil,
           ids = DUMP and {} or nil }
  local limited0, calls0, handed0 = emu.stats.rate_limited, emu.stats.calls, emu.stats.handed_out
  local methods = load.calls_by_method(emu)
  local t0 = timer.monotonic()
  local stop_at = t0 + secs
  if step.closed then
    local slots = {}
    for i = 1, o.concurrency or 10 do slots[i] = { id = i } fire(slots[i]) end
    while timer.monotonic() < stop_at do
      timer.sleep(0.05)
      -- a slot whose update got no reply within 5 s is restarted
      local now = timer.monotonic()
      for _, s in ipairs(slots) do
        local p = s.st and s.st.q[1]
        if p and now - p.at > 5 then
          s.st.q = {}
          step.timeouts = (step.timeouts or 0) + 1
          fire(s)
        end
      end
    end
  else
    local rate = o.rate or 3000
    while true do
      local now = timer.monotonic()
      if now >= stop_at then break end
      local due = math.floor(rate * (now - t0)) - step.sent
      for _ = 1, due do
        local st = next_person()
        if not st then step.starved = step.starved + 1 break end
        send(st)
      end
      timer.sleep(0.001)
    end
  end
  local elapsed = timer.monotonic() - t0
  step.stopping = true
  load.drain(step, 5)
  if step.at then load.dump_latencies(DUMP, t0, step.at, step.lat, step.kind, step.fetch, step.ids) end
  local lat = stats.summary(step.lat)
  local r = {
    mode = o.mode, rate = o.rate, users = users, concurrency = o.concurrency, secs = elapsed,
    sent = step.sent, replied = step.replied, unanswered = step.sent - step.replied,
    throughput = lat.n / elapsed, p50 = lat.p50, p90 = lat.p90, p99 = lat.p99, max = lat.max,
    kinds = step.kinds, starved = step.starved, timeouts = step.timeouts or 0,
    rate_limited = emu.stats.rate_limited - limited0, bot_calls = emu.stats.calls - calls0,
    handed_out = emu.stats.handed_out - handed0,
    methods = methods(),
  }
  step = nil
  load.tidy(emu, 20)
  return r
end

http.route("GET", "/bench/stats", function() return 200, emu.stats end)
load.serve("bot_load", port, run_step)
