-- scripts/shop/inventory/move.lua — one change of an item's stock, the
-- way every stock operation makes it, and who may make which.
--
--   move.may(actor, what) -> true | nil, "stock.refused.role", { roles = }
--       what: "incoming" | "loss" | "correct" | "approve" | "threshold"
--   move.apply(tx, product_id, delta, entry, touched, locked) -> { product_id, name, on_hand, delta, log_id }
--       inside the caller's transaction: the stock row locked (or, given
--       `locked`, the row as store.lock/lock_many gave it the caller in
--       this transaction: not read again), the change
--       checked (never below zero, never below what carts and orders
--       reserve), on_hand set, the inventory_log row written (entry:
--       reason, actor_id, note, correction_id, unit_cost, supplier,
--       invoice_file_id, loss_kind), the lots moved (shop/inventory/lots.lua:
--       more is a lot dated today, less leaves the oldest first) and the Redis mirror that reservations
--       read set to the new figure. A refusal raises { refused = key,
--       params = } (move.run turns it into nil, key, params).
--   move.run(fn, ...) -> fn's result | nil, reason_key, params
--       fn(tx, touched, ...) in one transaction; `touched` collects the
--       product ids whose mirror was set: after a rollback their mirror is
--       dropped (reloaded from PostgreSQL on next use), after a commit
--       their alert thresholds are checked (shop/inventory/alerts.lua).
--
-- Refusal keys are templates' stock.refused.*; params fill them (`name`
-- is { ru =, uz = }).
local log = require "log"
local pg = require "pg"
local users = require "shop.users"
local stock = require "shop.stock"
local store = require "shop.inventory.store"
local alerts = require "shop.inventory.alerts"
local lots = require "shop.inventory.lots"

local M = {}

-- Who may do what; owners pass every check (shop/users.lua). Approving a
-- large correction is the owner's alone: a manager proposes like anyone.
M.MAY = {
  incoming  = { "florist", "manager" },
  loss      = { "florist", "manager" },
  correct   = { "manager" },
  threshold = { "manager" },
  approve   = "owner",
}

function M.may(actor, what)
  local need = assert(M.MAY[what], "inventory: unknown operation " .. tostring(what))
  if actor and users.has_role(actor, need) then return true end
  return nil, "stock.refused.role", { roles = type(need) == "table" and need or { need } }
end

local function name_of(p) return { ru = p.name_ru, uz = p.name_uz } end
M.name_of = name_of

local function refuse(key, params) error({ refused = key, params = params }, 0) end
M.refuse = refuse

function M.apply(tx, product_id, delta, entry, touched, locked)
  local p = locked or store.lock(tx, product_id)
  if not p then refuse("stock.refused.not_found") end
  local after = p.on_hand + delta
  if after < 0 then
    refuse("stock.refused.below_zero", { name = name_of(p), on_hand = p.on_hand, count = -delta })
  end
  -- the mirror is set before the commit, under the row's lock: from this
  -- moment no cart can reserve what is about to go
  if touched then touched[#touched + 1] = p.id end
  local ok, reserved = stock.guard(p.id, after, delta < 0)
  if not ok then
    refuse("stock.refused.below_reserved", { name = name_of(p), on_hand = p.on_hand, reserved = reserved,
                                             count = -delta, free = math.max(0, p.on_hand - reserved) })
  end
  local log_id = store.write(tx, p.id, after, delta, entry)
  lots.move(tx, p.id, p.on_hand, delta, "new")
  return { product_id = p.id, code = p.code, name = name_of(p), on_hand = after, delta = delta, log_id = log_id }
end

function M.run(fn, ...)
  local touched = {}
  local res, err, code = pg.transaction(fn, touched, ...)
  if res == nil then
    if touched[1] then pcall(stock.forget, touched) end
    if type(err) == "table" and err.refused then return nil, err.refused, err.params end
    log.error("inventory: transaction failed", { err = tostring(err), code = code })
    return nil, "stock.refused.error"
  end
  if touched[1] then
    local ok, e = pcall(alerts.check, touched)
    if not ok then log.error("inventory: threshold check failed", { err = tostring(e) }) end
  end
  return res
end

return M
