-- rules/reminders.lua — the reminder before the same date next year of an
-- order made for an occasion, and the repeat order it offers.
local M = {}

-- The reminder goes this many days before the date.
M.DAYS_BEFORE = 3

-- At this hour of the shop's day (its time zone, rules/slots.lua).
M.SEND_HOUR = 10

-- Every this many seconds an engine process looks for reminders due.
M.CHECK_SECONDS = 60

-- A reminder claimed by a process that did not send it within this many
-- minutes (it died) is claimed again.
M.CLAIM_STALE_MINUTES = 10

-- The repeat order's substitute for a product out of stock or out of
-- season: another of the same category, available now, whose price is
-- within this share of the original's (0.5: half as much to half as much
-- again); the nearest price wins.
M.SUBSTITUTE_PRICE_SHARE = 0.5

function M.selfcheck()
  for _, k in ipairs { "DAYS_BEFORE", "CHECK_SECONDS", "CLAIM_STALE_MINUTES" } do
    if math.type(M[k]) ~= "integer" or M[k] <= 0 then return false, k .. " must be a positive integer" end
  end
  if M.DAYS_BEFORE > 60 then return false, "DAYS_BEFORE must be at most 60" end
  if math.type(M.SEND_HOUR) ~= "integer" or M.SEND_HOUR < 0 or M.SEND_HOUR > 23 then
    return false, "SEND_HOUR must be an hour 0..23"
  end
  if type(M.SUBSTITUTE_PRICE_SHARE) ~= "number" or M.SUBSTITUTE_PRICE_SHARE < 0 then
    return false, "SUBSTITUTE_PRICE_SHARE must be a number >= 0"
  end
  return true
end

return M
