-- scripts/shop/inventory/incoming.lua — a delivery received.
--
--   incoming.receive(actor, { product_id, count, unit_cost (tiyin per
--       unit), supplier, invoice_file_id (optional), note (optional) })
--     -> { product_id, name, on_hand, delta, log_id } | nil, reason_key, params
--
-- One transaction: the stock row locked, on_hand raised, the
-- inventory_log 'incoming' row with what it cost and from whom; then the
-- Redis mirror (shop/inventory/move.lua).
local move = require "shop.inventory.move"
local checks = require "shop.inventory.checks"

local M = {}

local function body(tx, touched, actor, op)
  return move.apply(tx, op.product_id, op.count, {
    reason = "incoming", actor_id = actor.id, note = op.note, unit_cost = op.unit_cost,
    supplier = op.supplier, invoice_file_id = op.invoice_file_id,
  }, touched)
end

function M.receive(actor, op)
  local ok, key, params = move.may(actor, "incoming")
  if not ok then return nil, key, params end
  local clean = { product_id = op.product_id, invoice_file_id = op.invoice_file_id }
  for _, f in ipairs { { "count", checks.units }, { "unit_cost", checks.unit_cost },
                       { "supplier", checks.supplier }, { "note", checks.note } } do
    local v
    v, key, params = f[2](op[f[1]])
    if key then return nil, key, params end
    clean[f[1]] = v
  end
  return move.run(body, actor, clean)
end

return M
