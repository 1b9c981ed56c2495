-- scripts/shop/inventory/store.lua — the SQL of stock operations. Every
-- function that changes data takes `tx` (a pg transaction): the callers in
-- shop/inventory/ decide what goes in one commit.
local pg = require "pg"

local M = {}

local function check(rows, err, code)
  if not rows then error(("inventory: %s (%s)"):format(tostring(err), tostring(code)), 2) end
  return rows
end
M.check = check

-- NULLs become nil, as the order flow's store reads rows
local plain = require("shop.flow.store").plain
M.plain = plain

local PRODUCT = [[SELECT id, code, kind, name_ru, name_uz FROM products WHERE id = $1]]

-- The stock row of a product, locked for this transaction (made, at 0,
-- if the product has none yet). nil when there is no such product.
local ENSURE = [[INSERT INTO stock (product_id) SELECT id FROM products WHERE id = $1
                 ON CONFLICT (product_id) DO NOTHING]]
local LOCK = [[SELECT on_hand, threshold FROM stock WHERE product_id = $1 FOR UPDATE]]

function M.lock(tx, product_id)
  local p = check(tx:query(PRODUCT, product_id))[1]
  if not p then return nil end
  check(tx:query(ENSURE, product_id))
  local s = check(tx:query(LOCK, product_id))[1]
  p.on_hand, p.threshold = s.on_hand, s.threshold
  return plain(p)
end

-- The same for many products at once (a whole stock count), in two
-- queries rather than three per product, the rows locked in id order so
-- that two such transactions never wait for each other's locks. Returns
-- { [product_id] = row as lock() gives it }; a missing product is absent.
local ENSURE_MANY = [[INSERT INTO stock (product_id) SELECT id FROM products WHERE id = ANY($1::bigint[])
                      ON CONFLICT (product_id) DO NOTHING]]
local LOCK_MANY = [[SELECT p.id, p.code, p.kind, p.name_ru, p.name_uz, s.on_hand, s.threshold
                      FROM stock s JOIN products p ON p.id = s.product_id
                     WHERE s.product_id = ANY($1::bigint[])
                     ORDER BY s.product_id FOR UPDATE OF s]]

function M.lock_many(tx, product_ids)
  local ids = pg.array(product_ids)
  check(tx:query(ENSURE_MANY, ids))
  local out = {}
  for _, r in ipairs(check(tx:query(LOCK_MANY, ids))) do out[r.id] = plain(r) end
  return out
end

local SET = [[UPDATE stock SET on_hand = $2, updated_at = now() WHERE product_id = $1]]

local LOG = [[
  INSERT INTO inventory_log (product_id, delta, reason, order_id, correction_id, actor_id, note,
                             unit_cost, supplier, invoice_file_id, loss_kind)
  VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, $9, $10)
  RETURNING id, created_at]]

local function arg(v) if v == nil then return pg.null end return v end

-- Sets on_hand and writes the movement's row: e = { reason, actor_id,
-- note, correction_id, unit_cost, supplier, invoice_file_id, loss_kind }.
-- Returns the inventory_log row's id.
function M.write(tx, product_id, on_hand, delta, e)
  check(tx:query(SET, product_id, on_hand))
  return check(tx:query(LOG, product_id, delta, e.reason, arg(e.correction_id), arg(e.actor_id), arg(e.note),
    arg(e.unit_cost), arg(e.supplier), arg(e.invoice_file_id), arg(e.loss_kind)))[1].id
end

-- {======================================================================
-- Two-step corrections
-- =======================================================================

local PROPOSE = [[INSERT INTO stock_corrections (product_id, delta, note, proposed_by)
                  VALUES ($1, $2, $3, $4) RETURNING id]]

function M.propose(tx, product_id, delta, note, actor_id)
  return check(tx:query(PROPOSE, product_id, delta, arg(note), arg(actor_id)))[1].id
end

local CORRECTION = [[
  SELECT c.id, c.product_id, c.delta, c.note, c.state, c.proposed_by, c.approved_by,
         p.code, p.name_ru, p.name_uz,
         u.tg_id AS proposer_tg_id, u.lang AS proposer_lang,
         coalesce(u.name, '@' || u.username, u.tg_id::text) AS proposer_name
    FROM stock_corrections c
    JOIN products p ON p.id = c.product_id
    LEFT JOIN users u ON u.id = c.proposed_by
   WHERE c.id = $1]]

-- A correction with its product and proposer, or nil. `q` is pg or a tx.
function M.correction(q, id)
  local rows = check(q:query(CORRECTION, id))
  return rows[1] and plain(rows[1]) or nil
end

function M.lock_correction(tx, id)
  local c = check(tx:query("SELECT id FROM stock_corrections WHERE id = $1 FOR UPDATE", id))[1]
  return c and M.correction(tx, id) or nil
end

local DECIDE = [[UPDATE stock_corrections SET state = $2, approved_by = $3, decided_at = now() WHERE id = $1]]

function M.decide(tx, id, state, actor_id)
  check(tx:query(DECIDE, id, state, actor_id))
end

local PENDING = [[SELECT c.id FROM stock_corrections c WHERE c.state = 'proposed' ORDER BY c.id LIMIT $1]]

function M.pending(limit)
  local out = {}
  for _, r in ipairs(check(pg.query(PENDING, limit))) do out[#out + 1] = M.correction(M.pg, r.id) end
  return out
end

-- pg.query as a method, so M.correction(M.pg, id) and M.correction(tx, id) read alike.
M.pg = require("shop.flow.store").pg

return M
