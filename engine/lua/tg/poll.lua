-- engine/lua/tg/poll.lua — long polling with getUpdates.
--
-- Telegram forgets an update once getUpdates is called with an offset past
-- it. We pass that offset only for updates whose handler has finished: the
-- offset is the smallest update id fetched and not yet handled. While such an
-- update is in flight Telegram answers at once (with it, again, and whatever
-- is new), so before polling again we give the oldest handler a moment: up
-- to WAIT_MAX (5 ms), woken the moment it finishes (timer.signal), then we
-- poll anyway, the offset still at that update.
-- The repeats this brings are cheap — an update already fetched is known by
-- the update_id in its text and never decoded — while waiting for the
-- oldest handler however long it took let a slow one delay every chat's
-- next update (bench/README.md compares the two).
--
-- Two bounds keep that from costing the bot its throughput, and both rely
-- on the update being in the Redis queue already (tg/inbound.lua), where it
-- is handled even if this process dies — the same safety as a webhook
-- update after its 200:
--   * HOLD_MAX: an update in flight for longer than this is confirmed
--     anyway: one slow handler must not hold up every other chat (a button
--     press expires after 150 s);
--   * HOLD_COUNT: with more than this many updates in flight, all of them
--     are confirmed. Telegram's batch (LIMIT, at most 100) starts at the
--     offset, so every update held back comes again in every batch: with
--     too many in flight the batches were all repeats and the bot starved
--     with CPU to spare (bench/README.md).
-- Neither bound touches an update whose batch is still on its way into
-- Redis: each batch is queued there by a task of its own (the enqueuer),
-- in the order fetched, while the poller already asks for the next one.
-- Re-delivered updates are recognised by their update_id. An update of the
-- wrong shape (tg/shape.lua) is dropped with one warning and never held,
-- so the next offset confirms past it: it is not fetched forever.
local api = require "tg.api"
local shape = require "tg.shape"
local inbound = require "tg.inbound"
local engine = require "engine"
local timer = require "timer"
local log = require "log"

local M = {}

M.TIMEOUT = 25          -- seconds a getUpdates call is held by Telegram
M.LIMIT = 100
M.HOLD_MAX = 1.0        -- longest an update stays unconfirmed while its handler runs
M.HOLD_COUNT = 25       -- most updates the offset stays behind
M.WAIT_MAX = 0.005      -- longest pause for the oldest handler

local inflight = {}     -- update_id -> monotonic time fetched
local held = 0          -- how many entries inflight has
local unqueued = {}     -- update_id -> true while its batch waits for Redis (enqueuer)
local next_offset       -- one past the highest update_id fetched
local awaited           -- the update settle() waits for, or nil
-- Its handler's end wakes the poller at once (before, the poller looked
-- every 2 ms, and every poll paid up to a step of waiting for nothing).
local handled_signal = timer.signal()

local function hold(id, at)
  if not inflight[id] then held = held + 1 end
  inflight[id] = at
end

local function release(id)
  if inflight[id] then
    inflight[id] = nil
    held = held - 1
  end
end

local function oldest()
  local low
  for id in pairs(inflight) do if not low or id < low then low = id end end
  return low
end

function M.handled(id)
  release(id)
  if id == awaited then handled_signal:notify() end
end

-- Waits until the oldest in-flight update is handled, or WAIT_MAX passes;
-- then confirms what has been queued for longer than HOLD_MAX. Over
-- HOLD_COUNT in flight: confirms them all at once.
local function settle()
  if held > M.HOLD_COUNT then
    -- all but those not in Redis yet: only Telegram has those
    for id in pairs(inflight) do
      if not unqueued[id] then release(id) end
    end
    return
  end
  local low = oldest()
  if not low then return end
  local deadline = timer.monotonic() + M.WAIT_MAX
  awaited = low
  while inflight[low] and engine.current() do
    local left = deadline - timer.monotonic()
    if left <= 0 then break end
    handled_signal:wait(left)
  end
  awaited = nil
  local now = timer.monotonic()
  for id, at in pairs(inflight) do
    if now - at >= M.HOLD_MAX and not unqueued[id] then release(id) end
  end
end

local function backoff(attempt)
  return math.min(30, 0.5 * 2 ^ math.min(attempt, 6))
end

-- {=====================================================================
-- Queueing in Redis, beside the polling
-- ======================================================================

-- Fetched batches waiting to be put in Redis, oldest first. One task (the
-- enqueuer) queues them in order while the poller asks for the next
-- batch: the poll cycle includes no Redis round trip, which under load
-- was a good part of the slowest updates' wait to be fetched
-- (bench/README.md). Order is kept: batches go to Redis one after the
-- other, in the order fetched.
local batches = {}
local enqueuing = false
-- Set when a batch could not be queued: that batch and every one after it
-- are forgotten (Telegram delivers them again, in order, from this id).
local refetch_from

local function forget(batch)
  for _, u in ipairs(batch.updates) do
    unqueued[u.update_id] = nil
    release(u.update_id)
  end
end

local function enqueue_batches()
  while batches[1] do
    local b = table.remove(batches, 1)
    -- a raise here must not leave `enqueuing` set: nothing would be queued again
    local ok, r, qerr = pcall(inbound.enqueue, b.updates, b.texts)
    if not ok then r, qerr = nil, r end
    if not r then
      forget(b)
      for _, later in ipairs(batches) do forget(later) end
      batches = {}
      local first = b.updates[1].update_id
      if not refetch_from or first < refetch_from then refetch_from = first end
      log.warn("tg: cannot queue updates", { error = qerr })
    else
      for i, u in ipairs(b.updates) do
        unqueued[u.update_id] = nil
        if r[i] == "d" then release(u.update_id) end
      end
    end
  end
  enqueuing = false
end

local function queue_batch(updates, texts)
  for _, u in ipairs(updates) do unqueued[u.update_id] = true end
  batches[#batches + 1] = { updates = updates, texts = texts }
  if not enqueuing then
    enqueuing = true
    engine.spawn(enqueue_batches)
  end
end

-- After a batch could not be queued: poll again from its first update
-- (the offset never passed it: it was in flight until forgotten). Called
-- with nothing between it and the next getUpdates that could yield to the
-- enqueuer, except its own backoff sleep, after which it looks again.
local function restart_from_failure()
  while refetch_from do
    next_offset, refetch_from = refetch_from, nil
    timer.sleep(backoff(1))
  end
end

-- The polling loop of one generation; ends when the generation is retired.
function M.run()
  inbound.on_handled = M.handled
  local failures = 0
  -- getUpdates answers 409 while a webhook is set
  local ok, err = api.call("deleteWebhook", { drop_pending_updates = false })
  if not ok then log.warn("tg: deleteWebhook failed", { error = err }) end
  while engine.current() do
    settle()
    -- after settle's wait, right before the offset is chosen: a batch that
    -- failed meanwhile is no longer in flight, and the offset must not pass it
    restart_from_failure()
    local low = oldest()
    local ups, perr, code = api.call("getUpdates", {
      offset = low or next_offset, limit = M.LIMIT,
      timeout = low and 0 or M.TIMEOUT,
    }, { timeout = M.TIMEOUT + 15, items = true })
    if not engine.current() then break end
    if ups ~= nil and type(ups) ~= "table" then
      ups, perr, code = nil, "getUpdates result is not an array", "malformed"
    end
    if not ups then
      failures = failures + 1
      log.warn("tg: getUpdates failed", { error = perr, code = code })
      timer.sleep(backoff(failures))
    else
      failures = 0
      -- Each update as its own JSON text: one seen before (in flight, sent
      -- again in every answer) is recognised by the update_id in its text
      -- and never decoded; a new one is decoded once and queued as the text
      -- it came in.
      -- `"update_id":` can only be a key — inside a string its quotes would
      -- be escaped — and only an Update has that key.
      local fresh, texts = {}, {}
      local now = timer.monotonic()
      for _, text in ipairs(ups) do
        -- a plain find, then the digits: a pattern starting with a quote is
        -- tried at every quote of the text
        local at = text:find('"update_id"', 1, true)
        local id = at and math.tointeger(tonumber(text:match("^%s*:%s*(%d+)", at + 11)))
        if id and (not next_offset or id >= next_offset) then
          local u, why, raw = shape.decode(text)
          if u and u.update_id ~= id then u, why, raw = nil, "update_id: not the one its text begins with", u end
          if u then
            fresh[#fresh + 1] = u
            texts[#fresh] = text
            hold(id, now)
          else
            -- never held: the next offset confirms past it
            shape.drop(raw or { update_id = id }, why, "poll")
          end
          next_offset = id + 1
        end
        if not id then log.warn("tg: getUpdates gave an element without update_id", { text = text:sub(1, 200) }) end
      end
      if refetch_from then
        -- a batch before these could not be queued: these must not go
        -- ahead of it (per-chat order); all come again from there
        for _, u in ipairs(fresh) do release(u.update_id) end
      elseif #fresh > 0 then
        queue_batch(fresh, texts)
      end
    end
  end
end

return M
