-- scripts/shop/notices.lua — the notices owed for an order's moves: the
-- florists' post of a new order, the customer's news, the couriers' post...
-- (whatever the subscribers of "order.moved" do, shop/events.lua).
--
-- Each move writes an order_events row in its own transaction; the notice
-- is driven from that row, not from memory. Right after the commit the
-- mover delivers it (deliver): the row is claimed (notice_claimed_at),
-- the event emitted, and the row marked (noticed_at). If the process dies
-- in between, or a subscriber fails (a post Telegram refused), the mark
-- stays unset, and the sweep of any engine process delivers it later:
-- after a `kill -9` at any point, the notice still goes out, once — twice
-- only if the process dies after a subscriber spoke and before the mark,
-- which no chat API lets us avoid.
local pg = require "pg"
local log = require "log"
local rules = require "rules"
local events = require "shop.events"
local store = require "shop.flow.store"

local M = {}

local CLAIM = [[
  UPDATE order_events SET notice_claimed_at = now()
   WHERE id = $1 AND noticed_at IS NULL
     AND (notice_claimed_at IS NULL OR notice_claimed_at < now() - make_interval(secs => $2))
  RETURNING order_id, from_status, to_status, actor_id]]

local function null(v) if v == pg.null then return nil end return v end

-- Delivers the notice of order_events row `event_id` if nobody has (or is
-- doing it). `o`: the order as it is now, when the caller has it. Returns
-- true when it was delivered by this call or before.
function M.deliver(event_id, o)
  local rows, err = pg.query(CLAIM, event_id, rules.orders.NOTICE_LEASE_SECONDS)
  if not rows then
    log.warn("order notice: claim failed", { event = event_id, err = tostring(err) })
    return false
  end
  local e = rows[1]
  if not e then return true end   -- noticed already, or being noticed
  o = o or store.load(store.pg, e.order_id)
  local done = true
  if o then
    local actor, from = null(e.actor_id), null(e.from_status)
    local cancel
    if e.to_status == "cancelled" and from then
      -- whom the shop's rule says to tell, and what became of the stock
      local policy = rules.orders.cancel_policy(from)
      if type(policy) == "table" then cancel = { stock = policy.stock, tell = policy.tell, actor_id = actor } end
    end
    done = events.emit("order.moved", {
      order = o, from = from, to = e.to_status, event_id = event_id, actor_id = actor,
      by_customer = actor ~= nil and actor == o.customer_id, cancel = cancel,
    })
  end
  if done then
    pg.query("UPDATE order_events SET noticed_at = now() WHERE id = $1", event_id)
  else
    -- nobody here to tell it (a process without the bot), or it failed:
    -- let it go, the sweep tries again
    pg.query("UPDATE order_events SET notice_claimed_at = NULL WHERE id = $1", event_id)
  end
  return done
end

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

-- Runs `sql` (an owed-notice query taking $1 NOTICE_RETRY_SECONDS, $2
-- NOTICE_WITHIN_HOURS, $3 NOTICE_LEASE_SECONDS and returning `id`s) and
-- delivers each with deliver(id). Returns how many were delivered. Shared
-- by the orders' notices (here) and the payments' news
-- (shop/payments/news.lua).
function M.sweep_with(sql, deliver, what)
  local o = rules.orders
  local rows = pg.query(sql, o.NOTICE_RETRY_SECONDS, o.NOTICE_WITHIN_HOURS, o.NOTICE_LEASE_SECONDS)
  if not rows then return 0 end
  local n = 0
  for _, r in ipairs(rows) do
    local ok, done = pcall(deliver, r.id)
    if ok and done then n = n + 1
    elseif not ok then log.error(what .. ": delivery failed", { id = r.id, err = tostring(done) }) end
  end
  if n > 0 then log.info(what .. ": delivered late", { count = n }) end
  return n
end

-- Notices older than NOTICE_RETRY_SECONDS still owed (their process died,
-- or a subscriber failed), delivered now; older than NOTICE_WITHIN_HOURS
-- they would be news nobody wants, and are left. Run by a timer in every
-- engine process that presents them. Returns how many were delivered.
local OWED = [[
  SELECT id FROM order_events
   WHERE noticed_at IS NULL
     AND at < now() - make_interval(secs => $1) AND at > now() - make_interval(hours => $2)
     AND (notice_claimed_at IS NULL OR notice_claimed_at < now() - make_interval(secs => $3))
   ORDER BY id LIMIT 50]]

function M.sweep() return M.sweep_with(OWED, M.deliver, "order notices") end

return M
