-- scripts/shop/inventory/threshold.lua — the alert threshold of an item.
--
--   threshold.set(actor, product_id, n) -> { product_id, name, threshold, before } | nil, reason_key, params
--
-- The owner's and a manager's; written to audit_log with before and after,
-- and the crossing checked at once against the new figure.
local json = require "json"
local rules = require "rules"
local move = require "shop.inventory.move"
local store = require "shop.inventory.store"
local alerts = require "shop.inventory.alerts"

local M = {}

local AUDIT = [[INSERT INTO audit_log (actor_id, action, entity, entity_id, before, after)
                VALUES ($1, 'stock.threshold', 'stock', $2, $3::jsonb, $4::jsonb)]]

local function body(tx, _, actor, pid, n)
  local p = store.lock(tx, pid)
  if not p then move.refuse("stock.refused.not_found") end
  store.check(tx:query("UPDATE stock SET threshold = $2, updated_at = now() WHERE product_id = $1", pid, n))
  store.check(tx:query(AUDIT, actor.id, pid, json.encode({ threshold = p.threshold }), json.encode({ threshold = n })))
  return { product_id = pid, name = move.name_of(p), threshold = n, before = p.threshold }
end

function M.set(actor, product_id, n)
  local ok, key, params = move.may(actor, "threshold")
  if not ok then return nil, key, params end
  n = math.tointeger(n)
  if not n or n < 0 or n > rules.inventory.MAX_UNITS then
    return nil, "stock.refused.bad_threshold", { max = rules.inventory.MAX_UNITS }
  end
  local res
  res, key, params = move.run(body, actor, product_id, n)
  if not res then return nil, key, params end
  alerts.check({ res.product_id })
  return res
end


return M
