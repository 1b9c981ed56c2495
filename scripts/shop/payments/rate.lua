-- scripts/shop/payments/rate.lua — the payment-failure rate: of the
-- attempts that finished (performed, refunded after perform, or cancelled
-- before perform), the share cancelled before perform. The shop's target
-- is rules.payments.FAILURE_RATE_TARGET_PERCENT. An attempt cancelled as
-- abandoned (reason 4) counts as failed: the payer did not get through.
local pg = require "pg"
local engine = require "engine"
local rules = require "rules"

local M = {}

local COUNTS = [[
  SELECT count(*) FILTER (WHERE state = 'cancelled')::int AS failed,
         count(*) FILTER (WHERE state IN ('performed', 'refunded', 'cancelled'))::int AS finished
    FROM payments
   WHERE coalesce(cancel_time, perform_time) >= $1::timestamptz
     AND coalesce(cancel_time, perform_time) < $2::timestamptz
     AND (state = 'cancelled' OR perform_time IS NOT NULL)]]

local function counts(from, to)
  local rows, err = pg.query(COUNTS, from, to)
  if not rows then error("payments: " .. tostring(err), 2) end
  local r = rows[1]
  local pct, ok = rules.payments.failure_rate(r.failed, r.finished)
  return { failed = r.failed, finished = r.finished, percent = pct, within = ok,
           target = rules.payments.FAILURE_RATE_TARGET_PERCENT }
end

-- The shop's day "YYYY-MM-DD" (SHOP_TZ).
function M.day(date)
  return counts(date .. " 00:00:00+05", date .. " 24:00:00+05")
end

engine.help("guldasta_payment_failure_percent", "gauge",
  "payment attempts cancelled before perform among those finished in the last 24 hours, percent")
engine.help("guldasta_payment_attempts_24h", "gauge", "payment attempts finished in the last 24 hours")

-- The last 24 hours, published on /metrics (a timer calls this).
function M.publish()
  local ok, r = pcall(counts, os.date("!%Y-%m-%d %H:%M:%S+00", os.time() - 86400),
    os.date("!%Y-%m-%d %H:%M:%S+00", os.time() + 60))
  if not ok then return nil end
  engine.gauge("guldasta_payment_failure_percent", nil, r.percent or 0)
  engine.gauge("guldasta_payment_attempts_24h", nil, r.finished)
  return r
end

return M
