-- rules/payments.lua — the shop's policy for online payments (Payme,
-- Click). The providers' protocols (their codes, the 12-hour Payme
-- timeout) are not policy and live in scripts/shop/payments/; the shop's
-- choices are here.

local M = {}

-- Minutes an order awaiting online payment keeps its stock and its
-- delivery window's place. Longer than a cart's hold (RESERVATION_TTL,
-- 15 minutes by default): the customer is leaving the bot for the
-- provider's page, entering a card and an SMS code.
M.HOLD_MINUTES = 60

-- Minutes an unfinished payment attempt (a Payme transaction created, a
-- Click prepare) keeps any other attempt for the same order out. After
-- that the old attempt counts as abandoned: it is cancelled when a new one
-- comes, so a customer who closed the provider's page can pay again.
M.ATTEMPT_BLOCKS_MINUTES = 30

-- The share of finished payment attempts that may fail (a card refused,
-- the payer gave up, Click's or Payme's own error) before the owner should
-- look at why: the shop's target is under 2 percent. Shown on /metrics and
-- in the owner's /payments.
M.FAILURE_RATE_TARGET_PERCENT = 2

-- The accountant's /payments lists at most this many payments of a day
-- in the message (a Telegram message holds 4096 characters); the CSV has
-- them all.
M.REPORT_LINES = 30

-- VAT percent on the fiscal receipt for a product that names none
-- (products.vat_percent). 12 is Uzbekistan's rate; 0 for a shop that is
-- not a VAT payer.
M.VAT_PERCENT = 12

-- Would an order's hold outlast a cart's of `reservation_ttl` seconds?
function M.hold_outlasts_cart(reservation_ttl)
  return M.HOLD_MINUTES * 60 > (reservation_ttl or 900)
end

-- Has an attempt made `age_ms` milliseconds ago been abandoned?
function M.attempt_abandoned(age_ms)
  return age_ms >= M.ATTEMPT_BLOCKS_MINUTES * 60000
end

-- The failure rate in percent of `failed` attempts among `finished`
-- (nil when none finished), and whether it is within the target.
function M.failure_rate(failed, finished)
  if not finished or finished <= 0 then return nil, true end
  local pct = failed * 100 / finished
  return pct, pct < M.FAILURE_RATE_TARGET_PERCENT
end

-- Minutes may be fractions (a test shop holds for seconds). Whether the
-- hold outlasts the cart's hold is checked where the cart's TTL is known
-- (scripts/bot/selfcheck.lua: RESERVATION_TTL is configuration).
function M.selfcheck()
  for _, k in ipairs { "HOLD_MINUTES", "ATTEMPT_BLOCKS_MINUTES" } do
    if type(M[k]) ~= "number" or M[k] <= 0 then return false, k .. " must be a positive number" end
  end
  if type(M.FAILURE_RATE_TARGET_PERCENT) ~= "number" or M.FAILURE_RATE_TARGET_PERCENT <= 0
      or M.FAILURE_RATE_TARGET_PERCENT >= 100 then
    return false, "FAILURE_RATE_TARGET_PERCENT must be between 0 and 100"
  end
  if M.ATTEMPT_BLOCKS_MINUTES > M.HOLD_MINUTES then
    return false, "ATTEMPT_BLOCKS_MINUTES must not outlast HOLD_MINUTES"
  end
  if math.type(M.VAT_PERCENT) ~= "integer" or M.VAT_PERCENT < 0 or M.VAT_PERCENT > 100 then
    return false, "VAT_PERCENT must be an integer 0..100"
  end
  return true
end

return M
