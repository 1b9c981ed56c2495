-- rules/inventory.lua — the shop's policy for its stock: what a loss may
-- be booked as, how large a correction one person may make alone, the
-- limits of what is typed into a stock operation, and how long each
-- flower lasts in a vase (the daily list of ageing lots).

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

-- Vase life: how many days after its arrival a lot of stems is still fit
-- for a delivery order (domain.md R-I4, the low end of each range). A
-- product's days are those of the first of its tags found in `tag` (the
-- smallest when several are), else of its kind in `kind`, else `default`.
-- A kind set to false is not perishable (a vase, a card) and never listed.
M.VASE_LIFE_DAYS = {
  tag = {
    rose = 5, tulip = 3, lily = 5, gerbera = 5, peony = 5, hydrangea = 5, eustoma = 7,
    alstroemeria = 7, chrysanthemum = 10, carnation = 14, gypsophila = 7, eucalyptus = 14,
  },
  kind = { stem = 5, composition = 3, extra = false },
  default = 5,
}

-- The florists' chat gets, once a day from LOTS_HOUR (shop time), the lots
-- whose vase life ends within this many days (or has ended), so they go
-- into compositions or a discount before they are lost.
M.LOTS_WARN_DAYS = 1
M.LOTS_HOUR = 9
-- At most this many lots are named in the list (the count is always given).
M.LOTS_LINES = 30
-- Every this many seconds an engine process checks whether the day's list
-- is due; a claim not finished within LOTS_CLAIM_STALE_SECONDS (its
-- process died mid-send) is taken again.
M.LOTS_CHECK_SECONDS = 60
M.LOTS_CLAIM_STALE_SECONDS = 600

-- A product's vase life in days, or nil when it does not wilt.
function M.vase_life(kind, tags)
  local best
  for _, t in ipairs(tags or {}) do
    local d = M.VASE_LIFE_DAYS.tag[t]
    if d and (not best or d < best) then best = d end
  end
  if best then return best end
  local k = M.VASE_LIFE_DAYS.kind[kind]
  if k == false then return nil end
  return k or M.VASE_LIFE_DAYS.default
end

-- Is a lot `age` days old (0 on its arrival day) near the end of a vase
-- life of `life` days? Returns the days left (0 or less: ended) when it is.
function M.lot_ageing(age, life)
  if not life then return nil end
  local left = life - age
  if left <= M.LOTS_WARN_DAYS then return left end
  return nil
end

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
  local v = M.VASE_LIFE_DAYS
  if type(v) ~= "table" or type(v.tag) ~= "table" or type(v.kind) ~= "table"
     or math.type(v.default) ~= "integer" or v.default < 1 then
    return false, "VASE_LIFE_DAYS needs tag, kind and a positive whole default"
  end
  for name, days in pairs(v.tag) do
    if math.type(days) ~= "integer" or days < 1 then return false, "vase life of tag " .. tostring(name) .. " must be a positive whole number" end
  end
  for name, days in pairs(v.kind) do
    if days ~= false and (math.type(days) ~= "integer" or days < 1) then
      return false, "vase life of kind " .. tostring(name) .. " must be a positive whole number or false"
    end
  end
  if math.type(M.LOTS_WARN_DAYS) ~= "integer" or M.LOTS_WARN_DAYS < 0 then return false, "LOTS_WARN_DAYS must not be negative" end
  if math.type(M.LOTS_HOUR) ~= "integer" or M.LOTS_HOUR < 0 or M.LOTS_HOUR > 23 then return false, "LOTS_HOUR is 0..23" end
  if M.LOTS_LINES < 1 or M.LOTS_CHECK_SECONDS < 1 or M.LOTS_CLAIM_STALE_SECONDS < 1 then
    return false, "lot list limits must be positive"
  end
  if M.needs_approval(0, 0) then return false, "a correction of nothing cannot need approval" end
  return true
end

return M
