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

function M.selfcheck()
  for _, k in ipairs { "HOLD_MINUTES", "ATTEMPT_BLOCKS_MINUTES" } do
    if math.type(M[k]) ~= "integer" or M[k] < 1 then return false, k .. " must be a positive integer" end
  end
  if not M.hold_outlasts_cart(900) then return false, "HOLD_MINUTES must outlast a cart's 15 minutes" end
  if M.ATTEMPT_BLOCKS_MINUTES > M.HOLD_MINUTES then
    return false, "ATTEMPT_BLOCKS_MINUTES must not outlast HOLD_MINUTES"
  end
  if math.type(M.VAT_PERCENT) ~= "integer" or M.VAT_PERCENT < 0 or M.VAT_PERCENT > 100 then
    return false, "VAT_PERCENT must be an integer 0..100"
  end
  return true
end

return M
