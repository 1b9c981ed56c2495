-- scripts/shop/payments/export.lua — the accountant's CSV of a period
-- (DESIGN.md §2: UTF-8 with a BOM, `;` between fields, RFC 4180 quoting,
-- the first line names the columns). One line per payment attempt that
-- began, was performed or ended in the period, and one per refund owed
-- that was recorded in it. Days are the shop's (SHOP_TZ), both ends
-- included; times are written in the shop's time. Amounts are so'm with a
-- decimal comma, as Excel reads numbers under a Russian or Uzbek locale
-- (the reason `;` separates the fields).
--
--   export.csv("2026-03-01", "2026-03-31") -> text | nil, "bad_date" | "bad_range"
local pg = require "pg"
local config = require "config"
local store = require "shop.payments.store"

local M = {}

M.BOM = "\239\187\191"
M.HEADER = { "type", "time", "order_id", "provider", "transaction", "state", "amount_som",
             "order_total_som", "reason", "settled_at" }

local ROWS = [[
  WITH bounds AS (SELECT ($1::date)::timestamp AT TIME ZONE $3 AS lo,
                         ($2::date + 1)::timestamp AT TIME ZONE $3 AS hi)
  SELECT 'payment' AS type, coalesce(p.cancel_time, p.perform_time, p.create_time) AS at,
         p.order_id, p.provider, p.provider_tx_id AS tx, p.state, p.amount, o.total,
         p.reason::text AS reason, NULL::timestamptz AS settled_at, p.id AS seq
    FROM payments p JOIN orders o ON o.id = p.order_id, bounds b
   WHERE (p.create_time >= b.lo AND p.create_time < b.hi)
      OR (p.perform_time >= b.lo AND p.perform_time < b.hi)
      OR (p.cancel_time >= b.lo AND p.cancel_time < b.hi)
  UNION ALL
  SELECT 'refund_owed', r.created_at, r.order_id, r.provider, NULL, CASE WHEN r.settled_at IS NULL
         THEN 'owed' ELSE 'settled' END, r.amount, o.total, r.reason, r.settled_at, r.id
    FROM refunds_owed r JOIN orders o ON o.id = r.order_id, bounds b
   WHERE r.created_at >= b.lo AND r.created_at < b.hi]]

local function valid(d)
  if type(d) ~= "string" or not d:match("^%d%d%d%d%-%d%d%-%d%d$") then return false end
  local y, m, dd = d:match("^(%d+)-(%d+)-(%d+)$")
  local t = os.time { year = tonumber(y), month = tonumber(m), day = tonumber(dd), hour = 12 }
  return os.date("%Y-%m-%d", t) == d
end
M.valid_date = valid

-- Tiyin as so'm with a decimal comma: 5000050 -> "50000,50".
function M.som(tiyin)
  if tiyin == nil then return "" end
  return ("%d,%02d"):format(tiyin // 100, tiyin % 100)
end

local function field(v)
  if v == nil then return "" end
  v = tostring(v)
  if v:find('[;"\r\n]') then return '"' .. v:gsub('"', '""') .. '"' end
  return v
end

local function line(list)
  local out = {}
  for i = 1, #M.HEADER do out[i] = field(list[i]) end
  return table.concat(out, ";") .. "\r\n"
end

-- The rows of the period, plain: { {type=, at=, ...}, ... }.
function M.rows(from, to)
  local rows, err, code = pg.query("SELECT to_char(x.at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI:SS') AS at_text, "
    .. "to_char(x.settled_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI:SS') AS settled_text, x.* FROM ("
    .. ROWS .. ") x ORDER BY x.at, x.type, x.seq", from, to, config.shop_tz)
  if not rows then error(("payments: %s (%s)"):format(tostring(err), tostring(code)), 2) end
  for _, r in ipairs(rows) do store.plain(r) end
  return rows
end

function M.csv(from, to)
  if not (valid(from) and valid(to)) then return nil, "bad_date" end
  if from > to then return nil, "bad_range" end
  local parts = { M.BOM, table.concat(M.HEADER, ";") .. "\r\n" }
  local rows = M.rows(from, to)
  for _, r in ipairs(rows) do
    parts[#parts + 1] = line { r.type, r.at_text, r.order_id, r.provider, r.tx, r.state,
                               M.som(r.amount), M.som(r.total), r.reason, r.settled_text }
  end
  return table.concat(parts), #rows
end

return M
