-- bench/order_load.lua — the other side of the order benchmark (issue 4):
-- the Bot API emulator, the simulated customers and the florists, in a
-- process of their own so that the load generator's CPU is not the
-- engine's. bench/order_bench.lua starts it and drives it over HTTP:
--
--   guldasta run bench/order_load.lua PORT
--   POST /bench/step {concurrency=, users=, secs=, florists=} -> figures
--
-- A customer places a whole order the way a person does, through the
-- emulator: /start, the catalog, a category, a product card, "add to
-- cart" (a:<id>), the menu, the cart (k), checkout (o:start), then every
-- checkout question — typed name, phone, address and landmark; a location
-- pin or a district; a date and a window; surprise; anonymous; a postcard
-- (typed and confirmed, or none); no promo code; cash — and Confirm
-- (o:ok:<token>), until the message with the order's number arrives.
--
-- The customer decides what to do next from the screen in front of them:
-- by the callback_data prefixes of its buttons (never the labels, which
-- are the templates' business), so a screen the bot adds or reorders is
-- followed rather than broken. The checkout's step is the second part of
-- its buttons' data ("o:<step>:<action>"). A screen the customer does not
-- recognise is counted ("unexpected") and answered with /start.
--
-- The florists (users with the florist role, registered by the conductor)
-- watch the florists' channel: every new post with [Accept] ("s:acc:<id>")
-- is queued, and a free florist presses it. Each florist has one press in
-- flight. The presses of every florist arrive in one chat (the channel), which
-- the engine handles one update at a time, in order.
--
-- What is measured:
--   update-to-reply   from the moment an update is made available (the
--                     emulator's push, before getUpdates picks it up) to
--                     the bot's reply in that chat: a message sent or
--                     edited with an inline keyboard (every screen of the
--                     flow has one; news such as "your order was accepted"
--                     has none and is not a reply), or the answer to the
--                     pressed button (answerCallbackQuery: "added to cart"
--                     is only a toast), whichever comes first.
--   confirm           the Confirm press to the message with the number.
--   accept            a florist's press to the channel post's edit, and to
--                     the toast (answerCallbackQuery) the florist sees.
-- One update in flight per customer (a closed loop: `concurrency`
-- customers, each sending the next update as soon as the previous one is
-- answered). A finished order frees its customer; the slot takes the next
-- customer in turn, so carts and checkouts stay per person.
local load = require "bench.lib.load"
local crowd = require "bench.lib.crowd"
local stats = require "bench.lib.stats"
local methods = require "devkit.emulator.methods"
local timer = require "timer"
local config = require "config"

-- Flood limits off: Telegram's real ones would cap the florists' channel
-- at 20 posts a minute (bench/README.md); the engine's own limiter is
-- the conductor's business.
local emu, port = load.start("bench/order_load.lua", (...), { limits = false })

local CUSTOMER_BASE = 910000000      -- customers' Telegram ids: + 1..users (as in order_bench.lua)
local FLORIST_BASE = 919000000       -- florists': + 1..florists
local FLORIST_CHAT = math.tointeger(tonumber(config.florist_chat_id or "")) or -1001
local COURIER_CHAT = math.tointeger(tonumber(config.courier_chat_id or "")) or -1002
local REPLY_TIMEOUT = 5              -- s without a reply: the customer gives up, the slot moves on
local PRESS_TIMEOUT = 10             -- s without an answer: the florist takes the next post

emu:chat(FLORIST_CHAT, { type = "channel", title = "Florists" })
emu:chat(COURIER_CHAT, { type = "supergroup", title = "Couriers" })

-- What people type. Phones in the usual ways (shop/phone.lua accepts them).
local NAMES = { "Дилноза", "Aziza", "Шахноза Каримова", "Jasur", "Малика", "Nodira opa", "Bobur aka" }
local PHONES = { "90 123 45 67", "+998 91 234-56-78", "998931112233", "(93) 555 44 33", "94.765.43.21",
                 "+998 (97) 700-10-20" }
local ADDRESSES = { "ул. Бахоуддина Накшбанди, 12, кв. 4", "Mustaqillik ko'chasi, 5-uy", "мкр. Кирпичный, дом 7",
                    "Alpomish ko'chasi 23, 2-qavat", "ул. Мехтара Анбара, 41" }
local LANDMARKS = { "напротив школы № 12", "Labi-hovuz yonida", "рядом с базаром", "maktab orqasida",
                    "возле аптеки" }
local CARDS = { "С днём рождения, мама! Люблю.", "Tugʻilgan kuning bilan!", "Спасибо за всё ❤️",
                "Eng aziz insonimga" }
-- Pins in the city (zones Z1–Z2 of rules/pricing.lua): around Labi-hovuz.
local SHOP = { lat = 39.7747, lon = 64.4179 }

local people = crowd.new(emu, CUSTOMER_BASE)   -- the customers, by index and by chat
local florists = {}     -- index -> { u =, busy = press record | nil }
local step              -- the running step's counters, or nil
local pressed = {}      -- callback query id -> function(text) (its answer arrived)

local function pick(list) return list[math.random(#list)] end

-- {=====================================================================
-- Screens
-- ======================================================================

local function has_keyboard(m)
  return m and m.reply_markup and m.reply_markup.inline_keyboard ~= nil
end

-- Every callback_data of message m, in order.
local function datas(m)
  local out = {}
  for _, row in ipairs((m and m.reply_markup and m.reply_markup.inline_keyboard) or {}) do
    for _, b in ipairs(row) do
      if b.callback_data then out[#out + 1] = b.callback_data end
    end
  end
  return out
end

-- The data of m's buttons that match Lua pattern pat.
local function matching(list, pat)
  local out = {}
  for _, d in ipairs(list) do
    if d:match(pat) then out[#out + 1] = d end
  end
  return out
end

local function has(list, d)
  for _, x in ipairs(list) do if x == d then return true end end
  return false
end

-- The checkout step a screen belongs to: "o:<step>:..." ("start" and the
-- bare "o:x" are the cart's and Cancel's, not a step's).
local function checkout_step(list)
  for _, d in ipairs(list) do
    local s = d:match("^o:(%w+):")
    if s and s ~= "start" then return s end
  end
end

-- {=====================================================================
-- Customers
-- ======================================================================

local act

local function count(kind)
  step.kinds[kind] = (step.kinds[kind] or 0) + 1
end

-- One update from customer st; `send` pushes it and returns the callback
-- query of a press (or nil).
local on_reply

local function sent(st, kind, send)
  local p = { at = timer.monotonic(), kind = kind }
  st.p = p
  step.sent = step.sent + 1
  count(kind)
  local ok, q = pcall(send)
  if not ok then
    -- the screen vanished under us (trimmed, deleted): start over
    st.p = nil
    step.sent = step.sent - 1
    step.kinds[kind] = step.kinds[kind] - 1
    step.errors = step.errors + 1
    if #step.error_samples < 5 then step.error_samples[#step.error_samples + 1] = tostring(q) end
    return act(st, true)
  end
  if type(q) == "table" and q.id and q.data then
    p.qid = q.id
    pressed[q.id] = function()
      if st.p == p then return on_reply(st, nil) end
    end
  end
  -- a long run keeps only the tail of each chat's history
  if #st.u.chat.messages > 30 then emu:trim(st.u.chat.id, 8) end
  return true
end

local function press(st, kind, data)
  local m = st.msg
  return sent(st, kind, function() return st.u:press(m, data) end)
end

local function type_text(st, kind, text)
  return sent(st, kind, function() return st.u:send(text) end)
end

-- A checkout question: answer it like a person would.
local function checkout(st, s, list)
  if s == "nm" then return type_text(st, "form_text", pick(NAMES)) end
  if s == "ph" then return type_text(st, "form_text", pick(PHONES)) end
  if s == "ad" then return type_text(st, "form_text", pick(ADDRESSES)) end
  if s == "lm" then return type_text(st, "form_text", pick(LANDMARKS)) end
  if s == "lc" then
    local ds = matching(list, "^o:lc:D:")
    if #ds > 0 then return press(st, "form_press", pick(ds)) end
    if math.random() < 0.5 then
      local lat = SHOP.lat + (math.random() - 0.5) * 0.03
      local lon = SHOP.lon + (math.random() - 0.5) * 0.03
      return sent(st, "location", function() return st.u:share_location(lat, lon) end)
    end
    return press(st, "form_press", "o:lc:d")
  end
  if s == "dt" or s == "tm" then
    local choices = matching(list, s == "dt" and "^o:dt:D:" or "^o:tm:T:")
    if #choices > 0 then return press(st, "form_press", pick(choices)) end
  end
  if s == "sp" or s == "an" then
    return press(st, "form_press", ("o:%s:%s"):format(s, math.random() < 0.5 and "y" or "n"))
  end
  if s == "cd" then
    if has(list, "o:cd:ok") then return press(st, "form_press", "o:cd:ok") end
    if math.random() < 0.3 then return type_text(st, "form_text", pick(CARDS)) end
    return press(st, "form_press", "o:cd:no")
  end
  if s == "pr" and has(list, "o:pr:no") then return press(st, "form_press", "o:pr:no") end
  if s == "pm" and has(list, "o:pm:P:cash") then return press(st, "form_press", "o:pm:P:cash") end
  if s == "ok" then
    local ok = matching(list, "^o:ok:%x+$")
    if #ok > 0 then
      st.confirm_at = timer.monotonic()
      return press(st, "confirm", ok[1])
    end
  end
  return false
end

-- The order's number, when m is the screen that says the order is placed
-- (after Confirm: the number, [My orders] "u", and no checkout buttons).
local function placed_id(st, m)
  if not st.confirm_at then return nil end
  local list = datas(m)
  local id = tonumber(tostring(m.text or ""):match("(%d+)"))
  if id and has(list, "u") and not has(list, "c:0:0") and not checkout_step(list) then
    return math.tointeger(id)
  end
end

local finished

-- The customer's next update, from the screen in front of them.
function act(st, restart)
  if not step or step.stopping then return end
  local m = st.msg
  if restart or not m or emu.deleted[m] or not st.u.chat.by_id[m.message_id] then
    st.msg = nil
    return sent(st, "start", function() return st.u:command("/start") end)
  end
  local id = placed_id(st, m)
  if id then return finished(st, id) end
  local list = datas(m)
  local s = checkout_step(list)
  if s then
    if checkout(st, s, list) then return true end
    -- a checkout screen without the button we need: back to the start
    step.unexpected = step.unexpected + 1
    if #step.samples < 5 then step.samples[#step.samples + 1] = "checkout " .. s .. ": " .. table.concat(list, " ") end
    return act(st, true)
  end
  if has(list, "o:start") then return press(st, "cart", "o:start") end
  local adds = matching(list, "^a:%d+$")
  if #adds > 0 then
    if not st.added then
      st.added = true
      return press(st, "add", adds[1])
    end
    if has(list, "m") then return press(st, "menu", "m") end
  end
  local products = matching(list, "^p:%d+")
  if #products > 0 then return press(st, "card", pick(products)) end
  if has(list, "c:0:0") and has(list, "k") then
    return press(st, st.added and "cart" or "browse", st.added and "k" or "c:0:0")
  end
  local cats = {}
  for _, d in ipairs(list) do
    local id = d:match("^c:(%d+):%d+$")
    if id and id ~= "0" then cats[#cats + 1] = d end
  end
  if #cats > 0 then return press(st, "browse", pick(cats)) end
  if has(list, "c:0:0") then
    -- the empty cart's view: the item went (an order placed after a
    -- timeout, an expired reservation); to the catalog
    st.added = false
    return press(st, "browse", "c:0:0")
  end
  step.unexpected = step.unexpected + 1
  if #step.samples < 5 then
    step.samples[#step.samples + 1] = tostring(m.text or m.caption or "?"):sub(1, 80) .. " [" .. table.concat(list, " ") .. "]"
  end
  return act(st, true)
end

local next_customer, post_lag

-- The customer's order is in: the slot moves on to the next customer.
function finished(st, id)
  step.order_ids[#step.order_ids + 1] = id
  post_lag(id, "number")
  if step.stopping then step.drained_orders = step.drained_orders + 1 else step.orders = step.orders + 1 end
  if st.confirm_at then step.confirm[#step.confirm + 1] = timer.monotonic() - st.confirm_at end
  if st.began then step.whole[#step.whole + 1] = timer.monotonic() - st.began end
  st.added, st.confirm_at, st.began, st.msg = false, nil, nil, nil
  local slot = st.slot
  st.slot = nil
  if slot and not step.stopping then
    local nx = next_customer()
    if not nx then step.starved = step.starved + 1 return end
    nx.slot = slot
    slot.st = nx
    nx.began = timer.monotonic()
    return act(nx, true)
  end
end

-- The reply to st's pending update arrived (m: the screen, nil: the
-- answer to a press came first).
function on_reply(st, m)
  local p = st.p
  st.p = nil
  local lat = timer.monotonic() - p.at
  step.lat[#step.lat + 1] = lat
  step.replied = step.replied + 1
  if p.qid then pressed[p.qid] = nil end
  if p.kind == "confirm" and m then
    local id = placed_id(st, m)
    if id then return finished(st, id) end
  end
  if step.stopping or not st.slot then return end
  if m == nil and p.kind ~= "add" then
    -- only the answer so far: the screen's edit may be on its way
    return timer.after(0.02, function() if step and st.p == nil and st.slot then act(st) end end)
  end
  return act(st)
end

local function customer_change(st, m)
  if not has_keyboard(m) then return end   -- news, not a screen
  st.msg = m
  if st.p and step then return on_reply(st, m) end
end

local function untaken(st) return not st.slot end

-- The next customer in turn not taken by a slot (nil when all are).
function next_customer()
  local st = people:next(step, untaken)
  if st then st.p, st.confirm_at = nil, nil end
  return st
end

-- {=====================================================================
-- Florists
-- ======================================================================

local posts = {}        -- FIFO of channel posts with [Accept] not yet pressed
local seen_at = {}      -- order id -> { number = t, post = t } (a post's lag behind the number)

-- The florists' post of an order against the moment its customer read the
-- number: how long the florists wait to hear of it. Called with "number"
-- and with "post", in either order.
function post_lag(id, what)
  if not step or not id then return end
  local rec = seen_at[id]
  if not rec then rec = {} seen_at[id] = rec end
  rec[what] = timer.monotonic()
  if rec.number and rec.post then
    step.post_lag[#step.post_lag + 1] = rec.post - rec.number
    seen_at[id] = nil
  end
end
local seen_posts = setmetatable({}, { __mode = "k" })
local pressing = {}     -- channel message id -> press record

local function florist(i)
  local f = florists[i]
  if not f then
    local id = FLORIST_BASE + i
    f = { u = emu:user { id = id, first_name = "Florist" .. i } }
    florists[i] = f
  end
  return f
end

local dispatch

local function press_done(f, rec)
  if f.busy ~= rec then return end
  f.busy = nil
  pressing[rec.mid] = nil
  return dispatch()
end

-- Free florists press the oldest posts waiting.
function dispatch()
  if not step or step.stopping then return end
  for i = 1, step.florists do
    local f = florist(i)
    if not f.busy then
      local post
      while #posts > 0 and not post do
        local m = table.remove(posts, 1)
        local chat = emu.chats[FLORIST_CHAT]
        local data = matching(datas(m), "^s:acc:%d+$")[1]
        if chat.by_id[m.message_id] and not emu.deleted[m] and data then post = { m = m, data = data } end
      end
      if not post then return end
      local rec = { at = timer.monotonic(), mid = post.m.message_id }
      f.busy = rec
      pressing[rec.mid] = rec
      local ok, q = pcall(f.u.press, f.u, post.m, post.data)
      if not ok then
        f.busy = nil
        pressing[rec.mid] = nil
      else
        step.presses = step.presses + 1
        -- a post left over from the step before waited across the pause
        if (post.m.bench_at or 0) >= step.t0 then step.post_wait[#step.post_wait + 1] = rec.at - post.m.bench_at end
        pressed[q.id] = function()
          if step then step.accept_toast[#step.accept_toast + 1] = timer.monotonic() - rec.at end
          press_done(f, rec)
        end
      end
    end
  end
end

local function channel_change(m)
  if not step then return end
  local rec = pressing[m.message_id]
  if rec and not rec.edited then
    rec.edited = true
    step.accept_edit[#step.accept_edit + 1] = timer.monotonic() - rec.at
    return
  end
  local acc = matching(datas(m), "^s:acc:%d+$")[1]
  if not seen_posts[m] and acc then
    seen_posts[m] = true
    post_lag(math.tointeger(tonumber(acc:match("(%d+)$"))), "post")
    m.bench_at = timer.monotonic()
    step.posts = step.posts + 1
    posts[#posts + 1] = m
    dispatch()
  end
end

-- {=====================================================================
-- The emulator's hooks
-- ======================================================================

emu.on_change = function(m, chat)
  if chat.id == FLORIST_CHAT then return channel_change(m) end
  local st = people.by_chat[chat.id]
  if st then return customer_change(st, m) end
end

-- answerCallbackQuery, seen from here: the answer of a press we wait for.
local answer_method = methods.answercallbackquery
methods.answercallbackquery = function(e, p)
  local status, body = answer_method(e, p)
  local h = p.callback_query_id and pressed[p.callback_query_id]
  if h then
    pressed[p.callback_query_id] = nil
    h(p.text)
  end
  return status, body
end

-- {=====================================================================
-- A step
-- ======================================================================

local summary = stats.summary

local function run_step(o)
  local users, secs = o.users or 2000, o.secs or 20
  local concurrency = math.min(o.concurrency or 10, users)
  for i = 1, users do people:get(i) end
  for _, st in ipairs(people.list) do st.p, st.slot = nil, nil end
  for _, f in ipairs(florists) do f.busy = nil end
  pressed, pressing = {}, {}
  step = { sent = 0, replied = 0, lat = {}, kinds = {}, starved = 0, users = users, cursor = math.random(users),
           orders = 0, drained_orders = 0, order_ids = {}, confirm = {}, whole = {}, unexpected = 0, samples = {}, errors = 0,
           error_samples = {}, timeouts = 0, florists = o.florists or 10, posts = 0, presses = 0,
           accept_edit = {}, accept_toast = {}, post_wait = {}, post_lag = {}, florist_timeouts = 0 }
  seen_at = {}
  local calls = load.calls_by_method(emu)
  local t0 = timer.monotonic()
  step.t0 = t0
  local stop_at = t0 + secs
  local slots = {}
  for i = 1, concurrency do
    local st = next_customer()
    slots[i] = { id = i, st = st }
    st.slot = slots[i]
    st.began = timer.monotonic()
    act(st, true)
  end
  dispatch()
  while timer.monotonic() < stop_at do
    timer.sleep(0.05)
    local now = timer.monotonic()
    -- a customer without a reply for REPLY_TIMEOUT gives up; the slot
    -- moves on to the next customer
    for _, s in ipairs(slots) do
      local st = s.st
      if st and st.p and now - st.p.at > REPLY_TIMEOUT then
        step.timeouts = step.timeouts + 1
        st.p, st.slot, st.began = nil, nil, nil
        local nx = next_customer()
        s.st = nx
        if nx then
          nx.slot, nx.began = s, timer.monotonic()
          act(nx, true)
        end
      end
    end
    for _, f in ipairs(florists) do
      if f.busy and now - f.busy.at > PRESS_TIMEOUT then
        step.florist_timeouts = step.florist_timeouts + 1
        press_done(f, f.busy)
      end
    end
    dispatch()
  end
  local elapsed = timer.monotonic() - t0
  step.stopping = true
  load.drain(step, 5)
  local busy = 0
  for _, f in ipairs(florists) do if f.busy then busy = busy + 1 end end
  local r = {
    concurrency = concurrency, users = users, secs = elapsed,
    sent = step.sent, replied = step.replied, unanswered = step.sent - step.replied,
    throughput = step.replied / elapsed, orders = step.orders, drained_orders = step.drained_orders, order_rate = step.orders / elapsed,
    order_ids = step.order_ids,
    latency = summary(step.lat), confirm = summary(step.confirm), whole = summary(step.whole),
    kinds = step.kinds, starved = step.starved, timeouts = step.timeouts, unexpected = step.unexpected,
    samples = step.samples, errors = step.errors, error_samples = step.error_samples,
    posts = step.posts, presses = step.presses, posts_waiting = #posts, florists_busy = busy,
    florist_timeouts = step.florist_timeouts,
    accept_edit = summary(step.accept_edit), accept_toast = summary(step.accept_toast),
    post_wait = summary(step.post_wait), post_lag = summary(step.post_lag), methods = calls(),
  }
  step = nil
  local channel = emu.chats[FLORIST_CHAT]
  if #channel.messages > 3000 then emu:trim(FLORIST_CHAT, 1000) end
  load.tidy(emu, 30)
  return r
end

load.serve("order_load", port, run_step)
