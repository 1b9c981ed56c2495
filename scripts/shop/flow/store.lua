-- scripts/shop/flow/store.lua — the SQL of an order's life after it is
-- placed: reading an order the way the posts and screens need it, locking
-- it, writing stock off at acceptance and settling it at cancellation.
-- Every function that changes data takes `tx` (a pg transaction): the
-- caller, scripts/shop/order_flow.lua, decides what goes in one commit.
local pg = require "pg"
local config = require "config"
local lots = require "shop.inventory.lots"

local M = {}

local function check(rows, err, code)
  if not rows then error(("order flow: %s (%s)"):format(tostring(err), tostring(code)), 2) end
  return rows
end

-- NULLs become nil, so `if o.card_text then` reads naturally.
local function plain(row)
  for k, v in pairs(row) do
    if v == pg.null then row[k] = nil end
  end
  return row
end
M.plain = plain

-- A person's name as staff and customers see it: the Telegram name, else
-- the @username, else the number.
local PERSON = "coalesce(%s.name, '@' || %s.username, %s.tg_id::text)"
local function person(a) return PERSON:format(a, a, a) end

-- The order with everything a post, a screen or a notification needs: the
-- raw columns (o.*) and, beside them, the people behind the ids and the
-- date and slot as the shop writes them.
local LOAD = [[
  SELECT o.*,
         to_char(o.delivery_date, 'DD.MM.YYYY') AS date_text,
         to_char(o.slot_start, 'HH24:MI') AS slot_from, to_char(o.slot_end, 'HH24:MI') AS slot_to,
         to_char(o.created_at AT TIME ZONE $2, 'DD.MM HH24:MI') AS created_text,
         extract(epoch FROM o.accepted_at - o.created_at)::float8 AS accept_seconds,
         c.tg_id AS customer_tg_id, c.lang AS customer_lang, ]] .. person("c") .. [[ AS customer_name,
         f.tg_id AS florist_tg_id, f.lang AS florist_lang, ]] .. person("f") .. [[ AS florist_name,
         k.tg_id AS courier_tg_id, k.lang AS courier_lang, ]] .. person("k") .. [[ AS courier_name
    FROM orders o
    JOIN users c ON c.id = o.customer_id
    LEFT JOIN users f ON f.id = o.florist_id
    LEFT JOIN users k ON k.id = o.courier_id
   WHERE o.id = $1]]

-- The order as a plain table, or nil. `q` is pg or a transaction.
function M.load(q, id)
  local rows = check(q:query(LOAD, id, config.shop_tz))
  return rows[1] and plain(rows[1]) or nil
end

-- pg.query as a method, so M.load(pg_as_q, id) and M.load(tx, id) read alike.
M.pg = { query = function(_, ...) return pg.query(...) end }

-- Lines of the order with their products' names. A bouquet from the
-- constructor is stored one row per component, its options naming the
-- cart line it came from.
local ITEMS = [[
  SELECT i.id, i.product_id, i.count, i.unit_price, i.options,
         p.kind, p.code, p.name_ru, p.name_uz
    FROM order_items i JOIN products p ON p.id = i.product_id
   WHERE i.order_id = $1 ORDER BY i.id]]

function M.items(q, id)
  local rows = check(q:query(ITEMS, id))
  for _, r in ipairs(rows) do
    plain(r)
    if type(r.options) ~= "table" then r.options = {} end
  end
  return rows
end

-- The order locked for this transaction: the lock is what makes "first
-- florist wins" true — a second presser waits here, then sees the order
-- taken. The names of who has it are read by a second statement: a join
-- in the locking one would be evaluated on the row as it was before the
-- wait, and name nobody.
local LOCK = [[
  SELECT id, status, customer_id, florist_id, courier_id, payment_status, slot_id, bouquet_photo
    FROM orders WHERE id = $1 FOR UPDATE]]

local NAMES = [[
  SELECT (SELECT ]] .. person("f") .. [[ FROM users f WHERE f.id = $1) AS florist_name,
         (SELECT ]] .. person("k") .. [[ FROM users k WHERE k.id = $2) AS courier_name]]

function M.lock(tx, id)
  local rows = check(tx:query(LOCK, id))
  local o = rows[1] and plain(rows[1])
  if o and (o.florist_id or o.courier_id) then
    local n = plain(check(tx:query(NAMES, o.florist_id or pg.null, o.courier_id or pg.null))[1])
    o.florist_name, o.courier_name = n.florist_name, n.courier_name
  end
  return o
end

-- {======================================================================
-- Stock
-- =======================================================================

-- What the order consumes, per stocked product: a composition its recipe
-- (composition_items) times the count, anything else itself. A bouquet
-- from the constructor is already one row per stem and extra. Ordered by
-- product so that two acceptances sharing products lock stock rows in the
-- same order and cannot deadlock.
local PARTS = [[
  SELECT x.part_id AS product_id, sum(x.n)::int AS n,
         min(p.name_ru) AS name_ru, min(p.name_uz) AS name_uz
    FROM (SELECT CASE WHEN ci.component_id IS NOT NULL THEN ci.component_id ELSE i.product_id END AS part_id,
                 i.count * coalesce(ci.count, 1) AS n
            FROM order_items i
            JOIN products ip ON ip.id = i.product_id
            LEFT JOIN composition_items ci ON ci.composition_id = i.product_id AND ip.kind = 'composition'
           WHERE i.order_id = $1) x
    JOIN products p ON p.id = x.part_id
   GROUP BY x.part_id
   ORDER BY x.part_id]]

local TAKE = [[
  UPDATE stock SET on_hand = on_hand - $2, updated_at = now()
   WHERE product_id = $1 AND on_hand >= $2
  RETURNING on_hand]]

local PUT_BACK = [[
  UPDATE stock SET on_hand = on_hand + $2, updated_at = now()
   WHERE product_id = $1
  RETURNING on_hand]]

local LOG = [[
  INSERT INTO inventory_log (product_id, delta, reason, order_id, actor_id, note)
  SELECT x.pid, x.delta, $3, $4, $5, $6 FROM unnest($1::bigint[], $2::int[]) AS x(pid, delta)]]

-- inventory_log rows of order `order_id`, one per product: ids and deltas
-- are lists of the same length.
function M.log(tx, ids, deltas, reason, order_id, actor_id, note)
  check(tx:query(LOG, pg.array(ids), pg.array(deltas), reason, order_id, actor_id or pg.null, note or pg.null))
end

-- Writes the order's parts off, each from its oldest lots first
-- (shop/inventory/lots.lua). Returns { [product_id] = on_hand after },
-- or nil, the product short of stock ({name_ru=, name_uz=}): the caller
-- rolls back.
function M.write_off(tx, order_id, actor_id)
  local parts = check(tx:query(PARTS, order_id))
  local on_hand, ids, deltas = {}, {}, {}
  for _, p in ipairs(parts) do
    local rows = check(tx:query(TAKE, p.product_id, p.n))
    if not rows[1] then return nil, { name_ru = p.name_ru, name_uz = p.name_uz } end
    on_hand[p.product_id] = rows[1].on_hand
    lots.move(tx, p.product_id, rows[1].on_hand + p.n, -p.n)
    ids[#ids + 1], deltas[#deltas + 1] = p.product_id, -p.n
  end
  if ids[1] then M.log(tx, ids, deltas, "sale", order_id, actor_id) end
  return on_hand
end

-- What the order still holds of the shop's stock: its sales less what was
-- returned or reversed already (so neither can be made twice).
local HELD = [[
  SELECT product_id, (-sum(delta))::int AS n
    FROM inventory_log
   WHERE order_id = $1 AND reason IN ('sale', 'return')
   GROUP BY product_id
  HAVING sum(delta) < 0
   ORDER BY product_id]]

-- Settles the stock of a cancelled order, as rules/orders.lua's
-- cancellation policy says (`how`):
--   "return"   what the order took goes back on hand (into the newest
--              lot), with 'return' rows;
--   "loss"     the stems are in a bouquet now: the sale is reversed
--              ('sale' rows of the opposite sign) and the same stems are
--              booked as 'loss', so on hand does not move;
--   "release"  nothing should be written off yet; should something be
--              (a state the policy did not foresee), it is returned, so
--              stock taken never stays with a cancelled order.
-- Returns { [product_id] = on_hand after } for what went back on hand
-- (empty when nothing did), and whether anything did.
function M.give_back(tx, order_id, actor_id, note, how)
  local held = check(tx:query(HELD, order_id))
  local ids, counts = {}, {}
  for _, h in ipairs(held) do ids[#ids + 1], counts[#counts + 1] = h.product_id, h.n end
  if not ids[1] then return {}, false end
  note, actor_id = note or pg.null, actor_id or pg.null
  if how == "loss" then
    M.log(tx, ids, counts, "sale", order_id, actor_id, note)
    local lost = {}
    for i, n in ipairs(counts) do lost[i] = -n end
    M.log(tx, ids, lost, "loss", order_id, actor_id, note)
    return {}, false
  end
  local on_hand, back, deltas = {}, {}, {}
  for i, pid in ipairs(ids) do
    local rows = check(tx:query(PUT_BACK, pid, counts[i]))
    if rows[1] then
      on_hand[pid] = rows[1].on_hand
      lots.move(tx, pid, rows[1].on_hand - counts[i], counts[i], "back")
      back[#back + 1], deltas[#deltas + 1] = pid, counts[i]
    end
  end
  if back[1] then M.log(tx, back, deltas, "return", order_id, actor_id, note) end
  return on_hand, back[1] ~= nil
end

-- {======================================================================
-- The order row and its audit
-- =======================================================================

-- One UPDATE per target state: each sets its own *_at column (and who
-- took the order), so the SQL text stays constant (prepared once).
local SET = {
  accepted   = [[UPDATE orders SET status = 'accepted', florist_id = $2, accepted_at = now(), updated_at = now()
                  WHERE id = $1]],
  assembling = [[UPDATE orders SET status = 'assembling', assembling_at = now(), updated_at = now()
                  WHERE id = $1]],
  ready      = [[UPDATE orders SET status = 'ready', bouquet_photo = $2, ready_at = now(), updated_at = now()
                  WHERE id = $1]],
  delivering = [[UPDATE orders SET status = 'delivering', courier_id = $2, delivering_at = now(), updated_at = now()
                  WHERE id = $1]],
  delivered  = [[UPDATE orders SET status = 'delivered', delivery_photo = $2, delivered_at = now(), updated_at = now()
                  WHERE id = $1]],
  -- a paid order's money is owed back: the refund itself is the payments' business
  cancelled  = [[UPDATE orders SET status = 'cancelled', cancel_reason = $2, cancelled_at = now(), updated_at = now(),
                       payment_status = CASE WHEN payment_status = 'paid' THEN 'refund_pending' ELSE payment_status END
                  WHERE id = $1]],
  pending    = [[UPDATE orders SET status = 'pending', updated_at = now() WHERE id = $1]],
  paid       = [[UPDATE orders SET status = 'paid', paid_at = coalesce(paid_at, now()), updated_at = now() WHERE id = $1]],
  new        = [[UPDATE orders SET status = 'new', updated_at = now() WHERE id = $1]],
}

-- The one parameter after the id each statement takes, if any.
local ARG = {
  accepted = "actor", delivering = "actor", ready = "photo", delivered = "photo", cancelled = "reason",
}

function M.set_status(tx, id, to, actor_id, photo, reason)
  local sql = assert(SET[to], "no statement for status " .. tostring(to))
  local arg = ARG[to]
  if arg == "actor" then check(tx:query(sql, id, actor_id))
  elseif arg == "photo" then check(tx:query(sql, id, photo or pg.null))
  elseif arg == "reason" then check(tx:query(sql, id, reason or pg.null))
  else check(tx:query(sql, id)) end
end

local EVENT = [[INSERT INTO order_events (order_id, from_status, to_status, actor_id, note)
                VALUES ($1, $2, $3, $4, $5) RETURNING id]]

-- The move's audit row, which is also the notice it owes: returns its id.
function M.event(tx, id, from, to, actor_id, note)
  return check(tx:query(EVENT, id, from, to, actor_id or pg.null, note or pg.null))[1].id
end

local NOTE = [[INSERT INTO order_events (order_id, from_status, to_status, actor_id, note, noticed_at)
               VALUES ($1, $2, $2, $3, $4, now())]]

-- An audit row that is not a move (the status unchanged: a claim's step, a
-- substitution's, a reassignment): marked noticed as it is written, so the
-- moves' sweep (shop/notices.lua) never takes it for one; whatever it
-- owes, its own kind of notice carries.
function M.note(tx, id, status, actor_id, note)
  check(tx:query(NOTE, id, status, actor_id or pg.null, note))
end

-- Where the florists' and couriers' posts are, so later steps edit them.
function M.set_florist_post(id, chat_id, msg_id)
  check(pg.query("UPDATE orders SET florist_chat_id = $2, florist_msg_id = $3 WHERE id = $1", id, chat_id, msg_id))
end

function M.set_courier_post(id, chat_id, msg_id)
  check(pg.query("UPDATE orders SET courier_chat_id = $2, courier_msg_id = $3 WHERE id = $1", id, chat_id, msg_id))
end

-- The customer's newest orders for "📦 My orders".
function M.of_customer(customer_id, limit)
  local rows = check(pg.query([[
    SELECT id, status, total, to_char(delivery_date, 'DD.MM') AS date_text
      FROM orders WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2]], customer_id, limit))
  for _, r in ipairs(rows) do plain(r) end
  return rows
end

return M
