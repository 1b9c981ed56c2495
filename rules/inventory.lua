-- rules/inventory.lua — the shop's policy for its stock: what a loss may
-- be booked as, how large a correction one person may make alone, and
-- the limits of what is typed into a stock operation.

local M = {}

-- The kinds of loss a florist books (inventory_log.loss_kind). "other"
-- needs a note saying what happened; the others explain themselves.
M.LOSS_KINDS = { "wilted", "broken", "unsold", "other" }
M.LOSS_NEEDS_NOTE = { other = true }

-- A correction after a count that moves on hand by more than this many
-- units, or by more than this share of what was on hand (percent), is only
-- proposed: the owner approves or rejects it, and the proposer may not
-- decide their own. Small differences are the ordinary noise of a count.
M.CORRECTION_MAX_UNITS = 20
M.CORRECTION_MAX_PERCENT = 25

-- One operation moves at most this many units: a typo (10000 for 100) is
-- refused instead of booked.
M.MAX_UNITS = 5000

-- A purchase price per unit, in tiyin: at most this (1 000 000 so'm).
M.MAX_UNIT_COST = 100000000

-- Typed notes and supplier names, in characters.
M.NOTE_MAX_CHARS = 300
M.SUPPLIER_MAX_CHARS = 120

-- A CSV sent to the bot (a catalog or a stock count): at most this many
-- bytes, and at most this many of its lines listed in the answer (the
-- refused ones first; the totals always count them all).
M.UPLOAD_MAX_BYTES = 1048576
M.UPLOAD_LINES_SHOWN = 25

-- Does a correction of `delta` units, with `on_hand` units counted before,
-- need the owner's approval?
function M.needs_approval(delta, on_hand)
  local size = delta < 0 and -delta or delta
  if size > M.CORRECTION_MAX_UNITS then return true end
  if on_hand and on_hand > 0 and size * 100 > on_hand * M.CORRECTION_MAX_PERCENT and size > 1 then
    return true
  end
  return false
end

function M.is_loss_kind(kind)
  for _, k in ipairs(M.LOSS_KINDS) do
    if k == kind then return true end
  end
  return false
end

function M.selfcheck()
  if M.CORRECTION_MAX_UNITS < 0 or M.CORRECTION_MAX_PERCENT < 0 then
    return false, "correction limits must not be negative"
  end
  if M.MAX_UNITS < 1 or M.MAX_UNIT_COST < 0 or M.NOTE_MAX_CHARS < 1 or M.SUPPLIER_MAX_CHARS < 1
     or M.UPLOAD_MAX_BYTES < 1 or M.UPLOAD_LINES_SHOWN < 1 then
    return false, "limits must be positive"
  end
  if #M.LOSS_KINDS < 1 then return false, "LOSS_KINDS is empty" end
  for k in pairs(M.LOSS_NEEDS_NOTE) do
    if not M.is_loss_kind(k) then return false, "LOSS_NEEDS_NOTE names an unknown kind " .. tostring(k) end
  end
  for _, k in ipairs(M.LOSS_KINDS) do
    if k ~= "wilted" and k ~= "broken" and k ~= "unsold" and k ~= "other" then
      return false, "loss kind " .. tostring(k) .. " is not one inventory_log.loss_kind accepts"
    end
  end
  if M.needs_approval(0, 0) then return false, "a correction of nothing cannot need approval" end
  return true
end

return M
