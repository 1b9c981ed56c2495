-- rules/checkout.lua — what the checkout accepts as typed text. The shop
-- edits this file; the messages that quote these limits are in templates/
-- (topic `checkout`). The postcard's own limit is rules/constructor.lua's
-- CARD_MAX_CHARS, shared with the bouquet constructor.

local M = {}

-- Characters (not bytes) a typed answer may have: long enough to mean
-- something, short enough for a florist's ticket and a courier's screen.
M.FIELDS = {
  name     = { min = 2, max = 60 },    -- the recipient's name
  address  = { min = 5, max = 300 },   -- street, house, flat
  landmark = { min = 2, max = 200 },   -- moʻljal / ориентир
}

-- How many earlier recipients (from the customer's own orders, newest
-- first) the checkout's first step offers as one-tap buttons; 0 offers none.
M.SAVED_RECIPIENTS = 3

function M.selfcheck()
  if math.type(M.SAVED_RECIPIENTS) ~= "integer" or M.SAVED_RECIPIENTS < 0 or M.SAVED_RECIPIENTS > 10 then
    return false, "SAVED_RECIPIENTS needs an integer 0..10"
  end
  for _, field in ipairs { "name", "address", "landmark" } do
    local f = M.FIELDS[field]
    if type(f) ~= "table" or math.type(f.min) ~= "integer" or math.type(f.max) ~= "integer"
        or f.min < 1 or f.max < f.min or f.max > 1000 then
      return false, "FIELDS." .. field .. " needs integers 1 <= min <= max <= 1000"
    end
  end
  return true
end

return M
