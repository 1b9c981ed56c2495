-- scripts/shop/inventory/loss.lua — stems that will not be sold: wilted,
-- broken, unsold at the end of their vase life, or another reason, which
-- then needs a note (rules/inventory.lua's LOSS_KINDS and LOSS_NEEDS_NOTE).
--
--   loss.record(actor, { product_id, count, kind, note })
--     -> { product_id, name, on_hand, delta, log_id } | nil, reason_key, params
--
-- One transaction: the stock row locked, on_hand lowered (never below zero
-- nor below what is reserved: refused with the numbers), the
-- inventory_log 'loss' row with its kind.
local rules = require "rules"
local move = require "shop.inventory.move"
local checks = require "shop.inventory.checks"

local M = {}

local function body(tx, touched, actor, op)
  return move.apply(tx, op.product_id, -op.count, {
    reason = "loss", actor_id = actor.id, note = op.note, loss_kind = op.kind,
  }, touched)
end

function M.record(actor, op)
  local ok, key, params = move.may(actor, "loss")
  if not ok then return nil, key, params end
  local count
  count, key, params = checks.units(op.count)
  if not count then return nil, key, params end
  if not rules.inventory.is_loss_kind(op.kind) then return nil, "stock.refused.loss_kind" end
  local note
  note, key, params = checks.note(op.note)
  if key then return nil, key, params end
  if rules.inventory.LOSS_NEEDS_NOTE[op.kind] and not note then return nil, "stock.refused.note_needed" end
  return move.run(body, actor, { product_id = op.product_id, count = count, kind = op.kind, note = note })
end

return M
