-- scripts/shop/notices.lua — notices that must not be lost, driven from
-- rows rather than memory (M.kind): the order's moves here (the florists'
-- post of a new order, the customer's news, the couriers' post...: whatever
-- the subscribers of "order.moved" do, shop/events.lua), and elsewhere a
-- failed payment's news (shop/payments/news.lua), a manager's assignment
-- (shop/flow/assign.lua), a claim's post to the owner (shop/claims.lua),
-- what the owner must hear about payments (shop/payments/owner_notices.lua)
-- and a substitution's proposal and question (shop/substitution.lua).
--
-- Each move writes an order_events row in its own transaction; the notice
-- is driven from that row, not from memory. Right after the commit the
-- mover delivers it (deliver): the row is claimed (notice_claimed_at),
-- the event emitted, and the row marked (noticed_at). If the process dies
-- in between, or a subscriber fails (a post Telegram refused), the mark
-- stays unset, and the sweep of any engine process delivers it later:
-- after a `kill -9` at any point, the notice still goes out, once — twice
-- only if the process dies after a subscriber spoke and before the mark,
-- which no chat API lets us avoid. An order_events row that is not a move
-- (a claim's step, a substitution's, a reassignment) is written marked
-- (store.note): its notice, if any, is its own kind's.
local pg = require "pg"
local log = require "log"
local rules = require "rules"
local events = require "shop.events"
local store = require "shop.flow.store"

local M = {}

local function null(v) if v == pg.null then return nil end return v end

-- A kind of notice, each owed by one row of a table:
--   def = { what = its name in the log, table =, done = the column marked
--           once it is delivered, claimed = the column of the lease of the
--           process delivering it, where = what else an owing row meets
--           (SQL, optional), returning = the columns `tell` reads,
--           at = the column of when it fell owed (optional, see below),
--           lease = function() -> seconds a claim holds (optional;
--                   NOTICE_LEASE_SECONDS),
--           tell = function(row, id, ...) -> true when delivered, or when
--                  nothing is owed any more; false to keep it owed }
-- Returns { deliver = function(id, ...) -> done, sweep = function() -> n }:
-- deliver(id) right after the commit that made the row (the extra
-- arguments go to tell); sweep() by a timer of every engine process that
-- presents the notice. With `at`, the sweep takes rows owed longer than
-- NOTICE_RETRY_SECONDS and not older than NOTICE_WITHIN_HOURS (news nobody
-- wants then); without it, every row owed, at once, for as long as `where`
-- holds (a substitution's proposal until its answer time, its question
-- to the owner until decided). The claim is one UPDATE, so with any
-- number of processes one tells it; a process that dies holding it lets
-- it go after the lease. `claimed` may be `done` itself (payment_notices,
-- a table without a lease column): the claim marks it and a failure
-- unmarks it, so a process that dies mid-tell loses that notice. The
-- names in def are the code's own, never input.
function M.kind(def)
  local function lease(n)
    return ("(%s IS NULL OR %s < now() - make_interval(secs => $%d))"):format(def.claimed, def.claimed, n)
  end
  local function lease_seconds()
    if def.lease then return def.lease() end
    return rules.orders.NOTICE_LEASE_SECONDS
  end
  local where = def.where and (" AND " .. def.where) or ""
  local claim = ("UPDATE %s SET %s = now() WHERE id = $1 AND %s IS NULL%s AND %s RETURNING %s"):format(
    def.table, def.claimed, def.done, where, lease(2), def.returning)
  local owed
  if def.at then
    owed = ([[SELECT id FROM %s WHERE %s IS NULL%s
       AND %s < now() - make_interval(secs => $2) AND %s > now() - make_interval(hours => $3)
       AND %s ORDER BY id LIMIT 50]]):format(def.table, def.done, where, def.at, def.at, lease(1))
  else
    owed = ("SELECT id FROM %s WHERE %s IS NULL%s AND %s ORDER BY id LIMIT 50"):format(
      def.table, def.done, where, lease(1))
  end
  local mark = ("UPDATE %s SET %s = now() WHERE id = $1"):format(def.table, def.done)
  local release = ("UPDATE %s SET %s = NULL WHERE id = $1"):format(def.table, def.claimed)

  local k = {}

  function k.deliver(id, ...)
    local rows, err = pg.query(claim, id, lease_seconds())
    if not rows then
      log.warn(def.what .. ": claim failed", { id = id, err = tostring(err) })
      return false
    end
    if not rows[1] then return true end   -- delivered already, or being delivered
    local ok, done = pcall(def.tell, rows[1], id, ...)
    if not ok then log.error(def.what .. ": delivery failed", { id = id, err = tostring(done) }) end
    done = ok and done == true
    -- not done: nobody here to tell it (a process without the bot), or it
    -- failed; let it go, the sweep tries again
    pg.query(done and mark or release, id)
    return done
  end

  function k.sweep()
    local args = { lease_seconds() }
    if def.at then
      local o = rules.orders
      args[2], args[3] = o.NOTICE_RETRY_SECONDS, o.NOTICE_WITHIN_HOURS
    end
    local rows = pg.query(owed, table.unpack(args))
    if not rows then return 0 end
    local n = 0
    for _, r in ipairs(rows) do
      local ok, done = pcall(k.deliver, r.id)
      if ok and done then n = n + 1
      elseif not ok then log.error(def.what .. ": delivery failed", { id = r.id, err = tostring(done) }) end
    end
    if n > 0 then log.info(def.what .. ": delivered late", { count = n }) end
    return n
  end

  return k
end

-- {======================================================================
-- The order's moves
-- =======================================================================

-- The notice of order_events row `id`: the event "order.moved". `o`: the
-- order as it is now, when the caller has it.
local moved = M.kind {
  what = "order notices", table = "order_events", at = "at",
  done = "noticed_at", claimed = "notice_claimed_at",
  returning = "order_id, from_status, to_status, actor_id",
  tell = function(e, event_id, o)
    o = o or store.load(store.pg, e.order_id)
    if not o then return true end
    local actor, from = null(e.actor_id), null(e.from_status)
    local cancel
    if e.to_status == "cancelled" and from then
      -- whom the shop's rule says to tell, and what became of the stock
      local policy = rules.orders.cancel_policy(from)
      if type(policy) == "table" then cancel = { stock = policy.stock, tell = policy.tell, actor_id = actor } end
    end
    return events.emit("order.moved", {
      order = o, from = from, to = e.to_status, event_id = event_id, actor_id = actor,
      by_customer = actor ~= nil and actor == o.customer_id, cancel = cancel,
    })
  end,
}

-- Delivers the notice of order_events row `event_id` if nobody has (or is
-- doing it). `o`: the order as it is now, when the caller has it. Returns
-- true when it was delivered by this call or before.
M.deliver = moved.deliver

-- The order's notices not yet delivered, oldest first (a new order's post
-- right after its checkout commit). Returns true when none is left.
function M.deliver_order(order_id)
  local rows = pg.query("SELECT id FROM order_events WHERE order_id = $1 AND noticed_at IS NULL ORDER BY id",
    order_id)
  if not rows then return false end
  local all = true
  for _, r in ipairs(rows) do
    if not M.deliver(r.id) then all = false end
  end
  return all
end

-- Notices still owed (their process died, or a subscriber failed),
-- delivered now. Run by a timer in every engine process that presents
-- them. Returns how many were delivered.
M.sweep = moved.sweep

return M
