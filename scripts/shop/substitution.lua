-- scripts/shop/substitution.lua — a substitute for an item of an accepted
-- order, with the customer's consent. No Telegram: bot/substitution.lua
-- shows the florist her choices, the customer the proposal, the owner the
-- decision; the shop tells it what happened through events.
--
--   sub.items(order_id, florist) -> { item, ... } | nil, reason_key
--       the order's lines a substitute may replace (rules/substitution.lua's KINDS)
--   sub.offers(order_id, item_id, florist) -> item, { product, ... } | nil, reason_key
--       the substitutes rules/substitution.lua picks among the active
--       products in season with stock for the line
--   sub.propose(order_id, item_id, product_id, florist) -> proposal | nil, reason_key, params
--   sub.answer(id, customer, accept) -> proposal | nil, reason_key, params
--   sub.decide(id, actor, "keep" | "cancel", reason) -> proposal | nil, reason_key, params
--   sub.get(id) -> proposal (names, the order's money, who to tell) | nil
--   sub.tick()   the job: proposals past their answer time expire (to the
--                owner); proposals and owner questions still owed are delivered
--
-- Only the florist who accepted the order may propose, while it is
-- accepted or assembling, one proposal at a time. The customer has until
-- answer_by (rules' ANSWER_MINUTES); the first answer counts. Accepting
-- swaps the line, its stock and its price in one transaction
-- (shop/substitution/swap.lua). A decline, or no answer in time, goes to
-- the owner or a manager (rules' DECIDES): [Keep] the order as it was, or
-- [Cancel with a refund] (the order flow's cancellation: stock back, a paid
-- order's money owed back). An order that moved on before the answer
-- (cancelled, ready) voids the proposal.
--
-- Every step is an order_events row, the order's status unchanged and the
-- note "substitution <id>: <step>", marked noticed at once: its notices
-- are this module's own. The customer's proposal and the owner's question
-- must not be lost (a lost one loses a decision): each is claimed by one
-- engine process and marked when its presenter took it
-- ("substitution.proposed", "substitution.undecided"; a presenter that
-- fails leaves it for the next tick). What follows an answer or a
-- decision ("substitution.answered", "substitution.decided": the florist,
-- the customer, the posts) is news, emitted once after the commit.
local log = require "log"
local pg = require "pg"
local config = require "config"
local rules = require "rules"
local users = require "shop.users"
local events = require "shop.events"
local notices = require "shop.notices"
local catalog = require "shop.catalog"
local season = require "shop.season"
local stock = require "shop.stock"
local alerts = require "shop.inventory.alerts"
local flow = require "shop.order_flow"
local flow_store = require "shop.flow.store"
local swap = require "shop.substitution.swap"

local M = {}

local function check(rows, err, code)
  if not rows then error(("substitution: %s (%s)"):format(tostring(err), tostring(code)), 2) end
  return rows
end

local plain = flow_store.plain

local function r() return rules.substitution end

-- States of the order in which a florist may still change what goes in.
local WORKING = { accepted = true, assembling = true }

-- {======================================================================
-- The florist's side
-- =======================================================================

local ORDER = [[SELECT id, status, customer_id, florist_id, payment_status FROM orders WHERE id = $1]]

local function may(o, actor)
  if not o then return nil, "substitution.refused.not_found" end
  if not (actor and o.florist_id == actor.id and users.has_role(actor, "florist")) then
    return nil, "substitution.refused.not_yours"
  end
  if not WORKING[o.status] then return nil, "substitution.refused.state" end
  return true
end

local function order_for(order_id, actor)
  local id = math.tointeger(tonumber(order_id))
  local row = id and check(pg.query(ORDER, id))[1]
  local o = row and plain(row) or nil
  local ok, why = may(o, actor)
  if not ok then return nil, why end
  return o
end

local PRODUCT = [[SELECT id, kind, price, colour, occasions, name_ru, name_uz FROM products WHERE id = $1]]

-- A product as the rule reads it: colours a set, occasions a list.
local function as_rule(p, price)
  local colours = {}
  for _, code in ipairs(catalog.colour_codes(p)) do colours[code] = true end
  return { id = p.id, kind = p.kind, price = price or p.price, colours = colours,
           occasions = type(p.occasions) == "table" and p.occasions or {} }
end

function M.items(order_id, actor)
  local o, why = order_for(order_id, actor)
  if not o then return nil, why end
  local out = {}
  for _, it in ipairs(flow.items(o.id)) do
    if r().KINDS[it.kind] then out[#out + 1] = it end
  end
  return out
end

local function item_of(o, item_id)
  for _, it in ipairs(flow.items(o.id)) do
    if it.id == math.tointeger(tonumber(item_id)) and r().KINDS[it.kind] then return it end
  end
end

-- Enough free stock now for `count` of product p (a composition: its parts).
local function in_stock(p, count)
  for pid, n in pairs(stock.parts(p)) do
    if stock.available(pid) < n * count then return false end
  end
  return true
end

function M.offers(order_id, item_id, actor)
  local o, why = order_for(order_id, actor)
  if not o then return nil, why end
  local it = item_of(o, item_id)
  if not it then return nil, "substitution.refused.no_item" end
  local p = plain(check(pg.query(PRODUCT, it.product_id))[1])
  local c = catalog.get()
  local candidates = {}
  for _, q in ipairs(c.list) do
    if q.id ~= it.product_id and r().KINDS[q.kind] then candidates[#candidates + 1] = as_rule(q) end
  end
  local picked, out = r().pick(as_rule(p, it.unit_price), candidates), {}
  for _, q in ipairs(picked) do
    local prod = c.products[q.id]
    if season.sellable(c, prod) and in_stock(prod, it.count) then out[#out + 1] = prod end
  end
  return it, out
end

local function event(tx, order_id, status, actor_id, id, step)
  flow_store.note(tx, order_id, status, actor_id, ("substitution %d: %s"):format(id, step))
end

local OPEN = [[SELECT id FROM substitutions WHERE order_id = $1 AND state IN ('proposed', 'declined', 'expired')]]

local INSERT = [[
  INSERT INTO substitutions (order_id, item_id, old_product_id, new_product_id, count, old_unit_price,
                             new_unit_price, proposed_by, answer_by)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9))
  RETURNING id]]

function M.propose(order_id, item_id, product_id, actor)
  local it, offers = M.offers(order_id, item_id, actor)
  if not it then return nil, offers end
  local new
  for _, p in ipairs(offers) do
    if p.id == math.tointeger(tonumber(product_id)) then new = p end
  end
  if not new then return nil, "substitution.refused.not_offered" end
  local id, why = pg.transaction(function(tx)
    local row = check(tx:query(ORDER .. " FOR UPDATE", math.tointeger(tonumber(order_id))))[1]
    local o = row and plain(row) or nil
    local ok, w = may(o, actor)
    if not ok then return nil, w end
    if check(tx:query(OPEN, o.id))[1] then return nil, "substitution.refused.open" end
    local row = check(tx:query(INSERT, o.id, it.id, it.product_id, new.id, it.count, it.unit_price, new.price,
      actor.id, r().ANSWER_MINUTES * 60.0))[1]
    event(tx, o.id, o.status, actor.id, row.id, ("proposed %d -> %d"):format(it.product_id, new.id))
    return row.id
  end)
  if not id then
    if type(why) ~= "string" or not why:match("^substitution%.") then
      log.error("substitution: propose failed", { order = order_id, err = tostring(why) })
      return nil, "substitution.refused.error"
    end
    return nil, why
  end
  M.deliver_proposal(id)
  return M.get(id)
end

-- {======================================================================
-- The customer's answer
-- =======================================================================

local LOCK = [[SELECT s.*, s.answer_by > now() AS in_time FROM substitutions s WHERE s.id = $1 FOR UPDATE]]
local ORDER_LOCK = [[SELECT id, status, customer_id, payment_status FROM orders WHERE id = $1 FOR UPDATE]]

local function refused(key, params) return { refused = key, params = params } end

-- After the commit: the mirror of stock and the alerts (an accepted swap).
local function after_swap(res)
  if not (res.on_hand and next(res.on_hand)) then return end
  local ok, err = pcall(stock.mirror, res.on_hand)
  if not ok then log.error("substitution: stock mirror", { err = tostring(err) }) end
  local pids = {}
  for pid in pairs(res.on_hand) do pids[#pids + 1] = pid end
  ok, err = pcall(alerts.check, pids)
  if not ok then log.error("substitution: alerts", { err = tostring(err) }) end
end

local function emit(name, id, extra)
  local s = M.get(id)
  if not s then return end
  local payload = { sub = s }
  for k, v in pairs(extra or {}) do payload[k] = v end
  events.emit(name, payload)
end

function M.answer(id, customer, accept)
  id = math.tointeger(tonumber(id))
  if not (id and customer) then return nil, "substitution.refused.not_found" end
  local touched = {}
  local res, err = pg.transaction(function(tx)
    local s = plain(check(tx:query(LOCK, id))[1] or {})
    if not s.id then return refused("substitution.refused.not_found") end
    local o = plain(check(tx:query(ORDER_LOCK, s.order_id))[1])
    if o.customer_id ~= customer.id then return refused("substitution.refused.not_found") end
    if s.state ~= "proposed" then return refused("substitution.refused.answered") end
    if not s.in_time then return refused("substitution.refused.late") end
    if not WORKING[o.status] then
      check(tx:query("UPDATE substitutions SET state = 'void', answered_at = now() WHERE id = $1", id))
      event(tx, o.id, o.status, customer.id, id, "void")
      return refused("substitution.refused.order_moved")
    end
    local step = accept and "accepted" or "declined"
    local out = { state = step }
    if accept then out.swap = swap.apply(tx, s, o, customer.id, touched) end
    check(tx:query("UPDATE substitutions SET state = $2, answered_at = now() WHERE id = $1", id, step))
    event(tx, o.id, o.status, customer.id, id, step)
    return out
  end)
  if not res then
    if touched[1] then pcall(stock.forget, touched) end
    if type(err) == "table" and err.refused then return nil, err.refused, err.params end
    log.error("substitution: answer failed", { id = id, err = tostring(err) })
    return nil, "substitution.refused.error"
  end
  if res.refused then return nil, res.refused, res.params end
  if res.swap then after_swap(res.swap) end
  emit("substitution.answered", id, { diff = res.swap and res.swap.diff })
  if res.state == "declined" then M.deliver_question(id) end
  return M.get(id)
end

-- {======================================================================
-- The owner's decision
-- =======================================================================

local UNDECIDED = { declined = true, expired = true }

function M.decide(id, actor, what, reason)
  id = math.tointeger(tonumber(id))
  if not (actor and users.has_role(actor, r().DECIDES)) then return nil, "substitution.refused.role" end
  if what ~= "keep" and what ~= "cancel" then return nil, "substitution.refused.not_found" end
  local res, err = pg.transaction(function(tx)
    local s = plain(check(tx:query(LOCK, id))[1] or {})
    if not s.id then return refused("substitution.refused.not_found") end
    if not UNDECIDED[s.state] then return refused("substitution.refused.decided") end
    local out = {}
    if what == "cancel" then
      out.move = flow.move_in(tx, s.order_id, "cancelled", actor, { reason = reason })
      if out.move.refused then return refused(out.move.refused, out.move.params) end
    end
    local state = what == "keep" and "kept" or "cancelled"
    local status = plain(check(tx:query("SELECT status FROM orders WHERE id = $1", s.order_id))[1]).status
    check(tx:query([[UPDATE substitutions SET state = $2, decided_by = $3, decided_at = now() WHERE id = $1]],
      id, state, actor.id))
    event(tx, s.order_id, status, actor.id, id, what == "keep" and "kept" or "cancelled with refund")
    out.order_id = s.order_id
    return out
  end)
  if not res then
    log.error("substitution: decision failed", { id = id, err = tostring(err) })
    return nil, "substitution.refused.error"
  end
  if res.refused then return nil, res.refused, res.params end
  if res.move then flow.after_move(res.order_id, "cancelled", actor, res.move) end
  emit("substitution.decided", id, { what = what })
  return M.get(id)
end

-- {======================================================================
-- Reading one, and the job
-- =======================================================================

local GET = [[
  SELECT s.id, s.order_id, s.item_id, s.old_product_id, s.new_product_id, s.count, s.old_unit_price,
         s.new_unit_price, s.state, s.proposed_by, s.decided_by,
         to_char(s.answer_by AT TIME ZONE $2, 'HH24:MI') AS answer_by_text,
         op.name_ru AS old_name_ru, op.name_uz AS old_name_uz, np.name_ru AS new_name_ru, np.name_uz AS new_name_uz,
         o.status AS order_status, o.total, o.extra_due, o.payment_method, o.payment_status,
         c.tg_id AS customer_tg_id, coalesce(o.lang, c.lang) AS customer_lang,
         f.tg_id AS florist_tg_id, f.lang AS florist_lang
    FROM substitutions s
    JOIN orders o ON o.id = s.order_id
    JOIN users c ON c.id = o.customer_id
    JOIN products op ON op.id = s.old_product_id
    JOIN products np ON np.id = s.new_product_id
    LEFT JOIN users f ON f.id = s.proposed_by
   WHERE s.id = $1]]

function M.get(id)
  local row = check(pg.query(GET, id, config.shop_tz))[1]
  if not row then return nil end
  row = plain(row)
  row.diff = (row.new_unit_price - row.old_unit_price) * row.count
  return row
end

-- Proposals past their answer time: expired (to the owner), or void when
-- the order moved on meanwhile. One statement, so with two engine
-- processes each proposal expires once, with one order_events row.
local EXPIRE = [[
  WITH x AS (
    UPDATE substitutions s
       SET state = CASE WHEN o.status IN ('accepted', 'assembling') THEN 'expired' ELSE 'void' END
      FROM orders o
     WHERE o.id = s.order_id AND s.state = 'proposed' AND s.answer_by <= now()
    RETURNING s.id, s.order_id, s.state, o.status)
  INSERT INTO order_events (order_id, from_status, to_status, note, noticed_at)
  SELECT order_id, status, status,
         'substitution ' || id || ': ' || CASE WHEN state = 'expired' THEN 'no answer' ELSE 'void' END, now()
    FROM x
  RETURNING order_id]]

function M.expire() return #check(pg.query(EXPIRE)) end

-- The notices owed (shop/notices.lua's kinds, two on this table): the
-- customer's proposal, until its answer time, and the owner's question,
-- until decided. Each is claimed for CLAIM_STALE_SECONDS; the job's tick
-- delivers every one still owed.
local function kind(what, who, event, where)
  return notices.kind {
    what = what, table = "substitutions", done = who .. "_told_at", claimed = who .. "_claimed_at",
    where = where, returning = "id", lease = function() return r().CLAIM_STALE_SECONDS end,
    tell = function(_, id) return events.emit(event, { sub = M.get(id) }) end,
  }
end
local proposal = kind("substitution proposals", "customer", "substitution.proposed",
  "state = 'proposed' AND answer_by > now()")
local question = kind("substitution questions", "owner", "substitution.undecided",
  "state IN ('declined', 'expired')")

-- Delivers proposal `id`'s notice to the customer, or its question to the
-- owner, unless it was or is being; true when it is delivered.
M.deliver_proposal = proposal.deliver
M.deliver_question = question.deliver

function M.tick()
  local ok, err = pcall(function()
    M.expire()
    proposal.sweep()
    question.sweep()
  end)
  if not ok then log.warn("substitution: tick failed", { err = tostring(err) }) end
end

return M
