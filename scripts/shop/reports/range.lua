-- scripts/shop/reports/range.lua — the days a report covers, "YYYY-MM-DD"
-- in the shop's time zone (SHOP_TZ), and what the report queries share:
-- the bounds of those days as instants, and which orders count.
--
--   range.valid(date)              -> true when a real calendar date
--   range.check(from, to)          -> from, to | nil, "bad"|"order"|"long"
--   range.days(from, to)           -> number of days, both ends included
--   range.query(sql, from, to, ...) -> rows ($1 from, $2 to, $3 the zone, then ...)
--
-- An order counts when it was placed within the range and is neither
-- cancelled nor still waiting for its online payment ('pending'): a cash
-- order counts from the moment it is placed, an online one once paid.
local pg = require "pg"
local config = require "config"
local rules = require "rules"

local M = {}

-- The bounds of the range as a CTE `b` (lo inclusive, hi exclusive).
M.BOUNDS = [[b AS (SELECT ($1::date)::timestamp AT TIME ZONE $3::text AS lo,
                          ($2::date + 1)::timestamp AT TIME ZONE $3::text AS hi)]]

-- The orders a report counts, joined to `b`: alias o.
M.COUNTED = [[o.created_at >= b.lo AND o.created_at < b.hi AND o.status NOT IN ('cancelled', 'pending')]]

local function epoch_day(date)
  local y, m, d = tostring(date or ""):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return nil end
  local t = os.time { year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 }
  -- a date that does not exist (02-30) comes back as another day
  if os.date("%Y-%m-%d", t) ~= date then return nil end
  return t
end

function M.valid(date) return epoch_day(date) ~= nil end

function M.days(from, to)
  return math.floor((epoch_day(to) - epoch_day(from)) / 86400 + 0.5) + 1
end

function M.check(from, to)
  if not M.valid(from) or not M.valid(to) then return nil, "bad" end
  if to < from then return nil, "order" end
  if M.days(from, to) > rules.reports.MAX_DAYS then return nil, "long" end
  return from, to
end

function M.query(sql, from, to, ...)
  local rows, err, code = pg.query(sql, from, to, config.shop_tz, ...)
  if not rows then error(("reports: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

-- A SQL NULL as nil.
function M.v(x) if x == pg.null then return nil end return x end

return M
