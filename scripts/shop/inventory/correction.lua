-- scripts/shop/inventory/correction.lua — a count's result, and the
-- second person a large one needs.
--
--   correction.count(actor, { product_id, counted, note })
--     -> { unchanged = true, ... } | { applied = true, product_id, name, on_hand, delta, log_id }
--      | { proposed = id, delta, on_hand, name } | nil, reason_key, params
--       the difference counted - on_hand is booked as 'correction' at once
--       when small; above rules/inventory.lua's limits it is only proposed
--       (a stock_corrections row, state 'proposed', nothing changes) and
--       announced as the event "stock.correction_proposed" { correction }.
--   correction.approve(actor, id) -> { applied = true, correction, ... } | nil, reason_key, params
--   correction.reject(actor, id)  -> { rejected = true, correction } | nil, reason_key, params
--       the owner's decision; the proposer may not decide their own (nor
--       may the database: stock_corrections' CHECK). Only approval changes
--       stock: the proposed delta, applied to on hand as it is then (a
--       sale in between is not undone), refused like any operation that
--       would go below zero or below what is reserved. Announced as
--       "stock.correction_decided" { correction, state, by }.
--   correction.get(id), correction.pending(limit)
local rules = require "rules"
local events = require "shop.events"
local move = require "shop.inventory.move"
local checks = require "shop.inventory.checks"
local store = require "shop.inventory.store"

local M = {}

local function count_body(tx, touched, actor, op)
  local p = store.lock(tx, op.product_id)
  if not p then move.refuse("stock.refused.not_found") end
  local delta = op.counted - p.on_hand
  local name = move.name_of(p)
  if delta == 0 then return { unchanged = true, product_id = p.id, name = name, on_hand = p.on_hand, delta = 0 } end
  if rules.inventory.needs_approval(delta, p.on_hand) then
    local id = store.propose(tx, p.id, delta, op.note, actor.id)
    return { proposed = id, product_id = p.id, name = name, on_hand = p.on_hand, delta = delta }
  end
  local res = move.apply(tx, p.id, delta, { reason = "correction", actor_id = actor.id, note = op.note }, touched, p)
  res.applied = true
  return res
end

function M.count(actor, op)
  local ok, key, params = move.may(actor, "correct")
  if not ok then return nil, key, params end
  local counted, note
  counted, key, params = checks.counted(op.counted)
  if not counted then return nil, key, params end
  note, key, params = checks.note(op.note)
  if key then return nil, key, params end
  local res
  res, key, params = move.run(count_body, actor, { product_id = op.product_id, counted = counted, note = note })
  if not res then return nil, key, params end
  if res.proposed then events.emit("stock.correction_proposed", { correction = M.get(res.proposed) }) end
  return res
end

local function decide_body(tx, touched, actor, id, approve)
  local c = store.lock_correction(tx, id)
  if not c then move.refuse("stock.refused.no_correction") end
  if c.state ~= "proposed" then move.refuse("stock.refused.decided", { state = c.state }) end
  if c.proposed_by == actor.id then move.refuse("stock.refused.own_correction") end
  local res = { correction = c }
  if approve then
    res = move.apply(tx, c.product_id, c.delta, {
      reason = "correction", actor_id = actor.id, note = c.note, correction_id = c.id,
    }, touched)
    res.applied, res.correction = true, c
  else
    res.rejected = true
  end
  store.decide(tx, c.id, approve and "approved" or "rejected", actor.id)
  c.state = approve and "approved" or "rejected"
  return res
end

local function decide(actor, id, approve)
  local ok, key, params = move.may(actor, "approve")
  if not ok then return nil, key, params end
  id = math.tointeger(tonumber(id))
  if not id then return nil, "stock.refused.no_correction" end
  local res
  res, key, params = move.run(decide_body, actor, id, approve)
  if not res then return nil, key, params end
  events.emit("stock.correction_decided", { correction = res.correction, state = res.correction.state, by = actor })
  return res
end

function M.approve(actor, id) return decide(actor, id, true) end
function M.reject(actor, id) return decide(actor, id, false) end

function M.get(id) return store.correction(store.pg, id) end
function M.pending(limit) return store.pending(limit or 20) end

return M
