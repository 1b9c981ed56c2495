-- engine/lua/tg/inbound.lua — the inbound queue: every update, from long
-- polling or the webhook, goes into Redis before anything else happens, and
-- is handled from there. That one rule gives these guarantees:
--
--   * nothing lost: an update in Redis survives a crash of the process that
--     received it; whoever starts next (or another process) finds it;
-- (Keys below are shown without the bot's prefix, tg/keys.lua.)
--
--   * nothing twice: `tg:seen:<update_id>` is set (NX) when an update is
--     queued, so a webhook retry or a getUpdates re-delivery after a crash is
--     recognised and dropped; it turns from "q" (queued) to "d" (done) when
--     the handler has finished;
--   * per-chat order across processes (button presses in a group or channel:
--     per chat and person, see chat_key): each chat has a list `tg:q:<chat>`
--     and a lock `tg:lock:<chat>`; only the lock's holder pops from the list,
--     one update at a time, handler finished before the next one starts;
--   * different chats concurrently: one unit of work per chat with work;
--   * oldest first after an outage: `tg:ready` is a sorted set of chats with
--     work, scored by the enqueue time of their head update; the sweeper
--     drains it in that order.
--
-- A lock names its holder: "<process>|<generation>". A process proves it is
-- alive with `tg:alive:<process>` (5 s TTL, renewed every second); a lock
-- whose holder is not alive is stale and the next taker steals it. So after
-- a SIGKILL a chat is picked up again within ~5 s, while a slow handler in a
-- live process keeps its chat however long it runs.
--
-- Waking up: the process that queues a chat's only update starts that
-- chat's worker at once (no polling on the hot path); an update queued
-- behind others is reached by the worker already on that chat. The sweeper
-- (every 200 ms) only looks for chats whose head has waited over a second:
-- work left by a process that died (taken once its heartbeat is gone,
-- oldest head first), or by a generation that was retired.
local redis = require "redis"
local engine = require "engine"
local timer = require "timer"
local crypto = require "crypto"
local log = require "log"
local json = require "json"
local upd = require "tg.update"
local shape = require "tg.shape"
local context = require "tg.context"
local keys = require "tg.keys"

local M = {}

M.SEEN_TTL = 2 * 86400     -- Telegram keeps an update 24 h at most; remember ids twice as long
M.ALIVE_TTL = 5            -- seconds without a heartbeat before a process's locks are stale
M.SWEEP_EVERY = 0.2
M.STUCK_AFTER_MS = 1000    -- the sweeper's concern: heads older than this

-- This generation's identity in lock values. A reload is a new holder: the
-- old generation finishes its current update and lets go, the new one waits.
local proc_id = crypto.hex(crypto.random_bytes(8))
local owner = proc_id .. "|" .. tostring(engine.generation and engine.generation() or 0)

local handler             -- the application's fn(update)
local running = {}        -- chat key -> true while this generation runs its worker
local handoff = {}        -- chat key -> update whose lock was taken while the worker was ending
M.on_handled = nil        -- fn(update_id): the poller's offset bookkeeping

-- {=====================================================================
-- Redis scripts (atomic, one round trip each)
-- ======================================================================

-- Every script takes the bot's key prefix (tg/keys.lua) as ARGV[1].
--
-- ARGV: prefix, now_ms, seen_ttl, owner, then (update_id, chat_key,
-- update_json)*. Returns one entry per update: 1 newly queued; "L" newly
-- queued as the only update of its chat, whose free lock was taken for
-- `owner` on the way (the caller's worker starts on it without another
-- round trip); or the seen value "q"/"d" of a duplicate.
local enqueue = redis.script([[
local P, now, ttl, owner = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local out = {}
for i = 5, #ARGV, 3 do
  local id, chat, body = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if redis.call('SET', P .. 'seen:' .. id, 'q', 'NX', 'EX', ttl) then
    local len = redis.call('RPUSH', P .. 'q:' .. chat, now .. '|' .. body)
    redis.call('ZADD', P .. 'ready', 'NX', now, chat)
    if len == 1 and redis.call('SET', P .. 'lock:' .. chat, owner, 'NX', 'EX', 3600) then
      out[#out + 1] = 'L'
    else
      out[#out + 1] = 1
    end
  else
    out[#out + 1] = redis.call('GET', P .. 'seen:' .. id) or 'd'
  end
end
return out
]])

-- ARGV: prefix, chat, owner. Takes the chat's lock if it is free, ours, or held by
-- a dead process. Returns 0 (held by a live other), {0} (taken but the queue
-- is empty: released again), or {1, head}.
local acquire = redis.script([[
local P, chat, owner = ARGV[1], ARGV[2], ARGV[3]
local lk = P .. 'lock:' .. chat
local cur = redis.call('GET', lk)
if cur and cur ~= owner then
  local holder = string.match(cur, '^([^|]*)')
  if redis.call('EXISTS', P .. 'alive:' .. holder) == 1 then return 0 end
end
local head = redis.call('LINDEX', P .. 'q:' .. chat, 0)
if not head then
  if cur then redis.call('DEL', lk) end
  redis.call('ZREM', P .. 'ready', chat)
  return {0}
end
redis.call('SET', lk, owner, 'EX', 3600)
return {1, head}
]])

-- ARGV: prefix, owner, then (chat, update_id, stop)* — every update that
-- finished since the last call (one call for all of them: under load a
-- call per update cost Redis more in calling a script at all than in the
-- script's work). For each: pops the handled head, marks
-- it done, and gives the chat's next head ({1, head}) or releases the lock
-- ({0}; stop = 1 lets go even with more queued). -1: the lock is no longer
-- ours.
local done = redis.script([[
local P, owner = ARGV[1], ARGV[2]
local out = {}
for i = 3, #ARGV, 3 do
  local chat, id, stop = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local lk, q = P .. 'lock:' .. chat, P .. 'q:' .. chat
  local r
  if redis.call('GET', lk) ~= owner then
    r = -1
  else
    redis.call('LPOP', q)
    redis.call('SET', P .. 'seen:' .. id, 'd', 'KEEPTTL')
    local head = redis.call('LINDEX', q, 0)
    if not head then
      redis.call('DEL', lk)
      redis.call('ZREM', P .. 'ready', chat)
      r = {0}
    else
      redis.call('ZADD', P .. 'ready', 'XX', string.match(head, '^(%d+)|'), chat)
      if stop == '1' then
        redis.call('DEL', lk)
        r = {0}
      else
        r = {1, head}
      end
    end
  end
  out[#out + 1] = r
end
return out
]])

-- {=====================================================================
-- Handling
-- ======================================================================

function M.set_handler(fn) handler = fn end
function M.has_handler() return handler ~= nil end

-- The unit of ordering: the chat, except for button presses in a group or
-- channel, which are ordered per person pressing ("<chat>:<user>"). Ten
-- florists pressing Accept on one post are ten people, not one
-- conversation: the application settles who wins (a row lock), and
-- queueing them behind each other only made every press wait for all the
-- others. One person's presses, and everything typed in a group, keep
-- their order.
local function chat_key(update)
  local id = upd.chat_id_of(update)
  if id == nil then return "_" end
  local q = update.callback_query
  local chat = q and q.message and q.message.chat
  if chat and chat.type ~= "private" and q.from and q.from.id then
    return tostring(id) .. ":" .. tostring(q.from.id)
  end
  return tostring(id)
end
M.chat_key = chat_key

-- Runs the application's handler on one update, as part of the current unit
-- of work. An error is logged with the update id and a traceback and ends
-- this update only.
local function handle(update, chat)
  local t0 = timer.monotonic()
  -- the chat itself, not the ordering key: replies to it spend its credits
  context.enter(update, upd.chat_id_of(update) or tonumber(chat) or chat)
  local ok, err = xpcall(handler, debug.traceback, update)
  context.leave()
  engine.observe("guldasta_tg_update_seconds", nil, timer.monotonic() - t0)
  if ok then
    engine.counter("guldasta_tg_updates_total", 'result="ok"', 1)
  else
    engine.counter("guldasta_tg_updates_total", 'result="error"', 1)
    log.error("update handler failed", { update_id = update.update_id, chat = chat, error = tostring(err) })
  end
end

-- Redis calls that must not be lost to a blip (the update is handled; only
-- its bookkeeping is missing): retried for up to 60 s.
local function persist(script, args)
  local deadline = timer.monotonic() + 60
  local delay = 0.05
  while true do
    local r, err, code = script:eval(nil, args)
    if r ~= nil then return r end
    if timer.monotonic() > deadline then return nil, err, code end
    log.warn("tg: redis unavailable, retrying", { error = err })
    timer.sleep(delay)
    delay = math.min(delay * 2, 2)
  end
end

-- The update in a queued head. It passed the door (tg/shape.lua) when it
-- was queued, unless a version without that check queued it: checked
-- again, a malformed one comes back as { update_id =, malformed = why },
-- for work to drop.
local function head_update(head)
  local body = head:match("^%d+|(.*)$") or head
  local u, why, raw = shape.decode(body)
  if u then return u end
  return { update_id = type(raw) == "table" and math.tointeger(raw.update_id) or nil, malformed = why }
end

local run_worker

-- The end of a chat's worker, unless an update was handed off to it while
-- it ended (its lock taken for us by enqueue): then that one is next.
-- Nothing here yields, so a handoff is never stranded.
local function end_worker(chat)
  local first = handoff[chat]
  handoff[chat] = nil
  if first then engine.spawn(run_worker, chat, first) else running[chat] = nil end
end

-- Updates whose handler has finished and whose `done` is still to be
-- sent: {chat, update_id, stop} each. One task (flush_done) sends them all
-- in one call, and whatever finishes while that call is out goes in the
-- next: under load the calls grow, their number does not.
local finished = {}
local flushing = false

local function flush_batch()
  local batch = finished
  finished = {}
  local args = { keys.prefix(), owner }
  for _, f in ipairs(batch) do
    args[#args + 1], args[#args + 2], args[#args + 3] = f[1], f[2], f[3]
  end
  local r, err = persist(done, args)
  if r == nil then log.error("tg: could not mark updates done", { count = #batch, error = err }) end
  for i, f in ipairs(batch) do
    local chat, ri = f[1], type(r) == "table" and r[i] or nil
    if ri == -1 then log.warn("tg: lost the lock of a chat to another process", { chat = chat }) end
    if type(ri) == "table" and ri[1] == 1 then
      -- the chat's next update, still under our lock (malformed: dropped by work)
      engine.spawn(run_worker, chat, head_update(ri[2]))
    else
      end_worker(chat)
    end
  end
end

local function flush_done()
  while finished[1] do
    local ok, err = pcall(flush_batch)
    if not ok then log.error("tg: marking updates done failed", { error = tostring(err) }) end
  end
  flushing = false
end

-- Handles one update of chat: `first` (the head, its lock taken for us by
-- enqueue or by the previous done), or the head found by taking the lock.
-- Returns true once the update is queued for `done`, whose answer
-- continues the chat (flush_batch).
local function work(chat, first)
  local u = first
  if u == nil then
    local r, err = acquire:eval(nil, { keys.prefix(), chat, owner })
    if r == nil then log.warn("tg: cannot take chat lock", { chat = chat, error = err }) end
    if type(r) ~= "table" or r[1] ~= 1 then return false end
    u = head_update(r[2])
  end
  if u.malformed then
    shape.drop(u, u.malformed, "queue")
    u.update_id = u.update_id or 0
  elseif handler then
    handle(u, chat)
  else
    log.error("tg: no update handler (tg.on_update), update dropped", { update_id = u.update_id })
  end
  if M.on_handled and u.update_id then M.on_handled(u.update_id) end
  finished[#finished + 1] = { chat, u.update_id or 0, engine.current() and "0" or "1" }
  if not flushing then
    flushing = true
    engine.spawn(flush_done)
  end
  return true
end

-- One update of chat; the chat's worker ends here unless its update went
-- to `done` (which then continues or ends it).
function run_worker(chat, first)
  local ok, passed = pcall(work, chat, first)
  if not ok then log.error("tg: chat worker failed", { chat = chat, error = tostring(passed) }) end
  if not (ok and passed) then end_worker(chat) end
end

-- Starts chat's worker in this generation unless one runs already. `first`:
-- the chat's head update, its lock already taken by enqueue for us.
function M.kick(chat, first)
  if running[chat] then
    if first then handoff[chat] = first end
    return
  end
  running[chat] = true
  engine.spawn(run_worker, chat, first)
end

-- Queues updates (an array) in Redis. texts (optional): each update's JSON
-- text as it arrived, stored instead of encoding the table again. Returns
-- an array of results (1 or "L" = queued now, "q" = queued before, "d" =
-- handled before), or nil, err. Starts the worker of each chat whose lock
-- it took ("L").
function M.enqueue(updates, texts)
  if #updates == 0 then return {} end
  local args = { keys.prefix(), math.floor(timer.now() * 1000), M.SEEN_TTL, owner }
  local chats = {}
  for i, u in ipairs(updates) do
    local chat = chat_key(u)
    chats[i] = chat
    local body, err = texts and texts[i]
    if not body then body, err = json.encode(u) end
    if not body then return nil, "cannot encode update: " .. tostring(err) end
    args[#args + 1] = math.tointeger(u.update_id) or tostring(u.update_id)
    args[#args + 1] = chat
    args[#args + 1] = body
  end
  local r, err, code = enqueue:eval(nil, args)
  if not r then return nil, err, code end
  -- Only a chat whose lock came with its update is started here. An
  -- update queued behind others has a worker already (here, or in another
  -- process, which goes on to it through `done`), or its chat's worker
  -- died holding the lock: then the sweeper takes the chat once the holder
  -- is gone, oldest head first. Starting it here instead served first the
  -- chats whose customers happened to write again after an outage.
  for i, v in ipairs(r) do
    if v == "L" then M.kick(chats[i], updates[i]) end
  end
  return r
end

-- {=====================================================================
-- Liveness and the sweeper
-- ======================================================================

function M.heartbeat()
  return redis.call("SET", keys.prefix() .. "alive:" .. proc_id, owner, "EX", M.ALIVE_TTL)
end

-- Chats whose head update has waited over STUCK_AFTER_MS, oldest first:
-- left by a dead process, or missed. Starts their workers here.
function M.sweep()
  local cutoff = math.floor(timer.now() * 1000) - M.STUCK_AFTER_MS
  local chats = redis.call("ZRANGEBYSCORE", keys.prefix() .. "ready", "-inf", cutoff, "LIMIT", 0, 100)
  if type(chats) ~= "table" then return end
  for _, chat in ipairs(chats) do M.kick(chat) end
end

function M.owner() return owner end

return M
