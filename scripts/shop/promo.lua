-- scripts/shop/promo.lua — promo codes: may this one be used now, and
-- taking one use when the order is written.
--
--   promo.find(code[, items]) -> row | nil, why[, params]
--       row = {code=, kind="percent"|"fixed", value=, min_total=}: what
--       rules.pricing.quote takes as input.promo. `items` (tiyin of goods,
--       optional) checks the code's minimum too.
--       why: "unknown" (no such code, or switched off), "not_yet",
--       "expired", "used_up", "min_total" (params = {min = tiyin}).
--   promo.take(tx, code, order_id, user_id) -> true | nil, "used_up"
--       inside the order's transaction: used + 1 only while uses are left
--       and the code is valid at this moment, and the redemption row.
--   promo.release(order_id[, tx]) -> true | false
--       a cancelled order gives its use back.
--   promo.clean(typed) -> "CODE" | nil   how a typed code is read
--
-- Validity (dates, uses, active) is PostgreSQL's business, checked here;
-- what a valid code takes off the total is rules/pricing.lua's. The reason
-- words are turned into sentences by the caller (templates checkout.promo.*).
local pg = require "pg"

local M = {}

local function check(rows, err, code)
  if not rows then error(("promo: %s (%s)"):format(tostring(err), tostring(code)), 2) end
  return rows
end

-- People type codes in any case, with spaces or a leading "#"; stored
-- codes are upper-case A-Z 0-9 _ - (the table's CHECK).
function M.clean(typed)
  if type(typed) ~= "string" then return nil end
  local s = typed:gsub("^%s*#?", ""):gsub("%s+$", ""):upper()
  if not s:match("^[A-Z0-9_-]+$") or #s < 2 or #s > 32 then return nil end
  return s
end

local FIND = [[
  SELECT code, kind, value, min_total,
         (valid_from IS NOT NULL AND valid_from > now()) AS not_yet,
         (valid_until IS NOT NULL AND valid_until <= now()) AS expired,
         (max_uses IS NOT NULL AND used >= max_uses) AS used_up
    FROM promo_codes WHERE code = $1 AND active]]

function M.find(typed, items)
  local code = M.clean(typed)
  if not code then return nil, "unknown" end
  local row = check(pg.query(FIND, code))[1]
  if not row then return nil, "unknown" end
  if row.not_yet then return nil, "not_yet" end
  if row.expired then return nil, "expired" end
  if row.used_up then return nil, "used_up" end
  if items and items < row.min_total then return nil, "min_total", { min = row.min_total } end
  return { code = row.code, kind = row.kind, value = row.value, min_total = row.min_total }
end

local TAKE = [[
  WITH use AS (
    UPDATE promo_codes SET used = used + 1
     WHERE code = $1 AND active
       AND (max_uses IS NULL OR used < max_uses)
       AND (valid_from IS NULL OR valid_from <= now())
       AND (valid_until IS NULL OR valid_until > now())
    RETURNING code)
  INSERT INTO promo_redemptions (code, order_id, user_id)
  SELECT code, $2, $3 FROM use RETURNING id]]

function M.take(tx, code, order_id, user_id)
  local rows = check(tx:query(TAKE, code, order_id, user_id))
  if not rows[1] then return nil, "used_up" end
  return true
end

local RELEASE = [[
  WITH gone AS (DELETE FROM promo_redemptions WHERE order_id = $1 RETURNING code)
  UPDATE promo_codes p SET used = used - 1 FROM gone
   WHERE p.code = gone.code AND p.used > 0 RETURNING p.code]]

function M.release(order_id, tx)
  local rows
  if tx then rows = check(tx:query(RELEASE, order_id)) else rows = check(pg.query(RELEASE, order_id)) end
  return rows[1] ~= nil
end

return M
