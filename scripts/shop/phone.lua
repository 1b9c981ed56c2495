-- scripts/shop/phone.lua — Uzbek phone numbers as people type them, stored
-- one way (domain.md R-T4).
--
--   phone.normalize("(90) 123-45-67")   --> "+998901234567"
--   phone.normalize("12345")            --> nil, "length"
--   phone.display("+998901234567")      --> "+998 90 123 45 67"
--   phone.from_contact("998901234567")  --> "+998901234567"  (a shared contact)
--
-- Accepted: the 12 digits with the country code (with or without "+"), or
-- the 9 national digits alone; spaces, dashes, dots and brackets anywhere.
-- Anything else — letters, another length, a "+" in the middle — is
-- refused with a short reason the caller turns into a sentence:
--   "empty"   nothing but separators
--   "chars"   something that is no digit or separator
--   "length"  neither 9 digits nor 998 + 9 digits
--   "code"    the national part starts with 0 or 1 (no Uzbek operator or
--             city code does: it is a typo or a foreign number)
-- Stored E.164, "+998" and 9 digits: what users.phone and
-- orders.recipient_phone accept (their CHECK).
local M = {}

M.COUNTRY = "998"
local NATIONAL_DIGITS = 9

-- Characters people put between digits: space, no-break space, tab, dash,
-- en and em dashes, dot, brackets.
local SEPARATORS = { " ", "\194\160", "\t", "-", "\226\128\147", "\226\128\148", ".", "(", ")" }

local function strip(s)
  for _, sep in ipairs(SEPARATORS) do s = s:gsub(sep:gsub("%p", "%%%0"), "") end
  return s
end

-- The E.164 form of a typed number, or nil and a reason (above).
function M.normalize(s)
  if type(s) ~= "string" then return nil, "empty" end
  s = strip(s)
  if s == "" then return nil, "empty" end
  local plus, digits = s:match("^(%+?)(%d+)$")
  if not digits then return nil, "chars" end
  local national
  if #digits == #M.COUNTRY + NATIONAL_DIGITS and digits:sub(1, #M.COUNTRY) == M.COUNTRY then
    national = digits:sub(#M.COUNTRY + 1)
  elseif #digits == NATIONAL_DIGITS and plus == "" then
    national = digits
  else
    return nil, "length"
  end
  if national:match("^[01]") then return nil, "code" end
  return "+" .. M.COUNTRY .. national
end

-- A contact shared in Telegram carries phone_number with or without "+",
-- in the international form; the same rules apply.
function M.from_contact(phone_number)
  return M.normalize(phone_number)
end

-- "+998901234567" -> "+998 90 123 45 67"; anything not in our stored form
-- is returned unchanged (an old row, a foreign number typed by staff).
function M.display(e164)
  if type(e164) ~= "string" then return "" end
  local a, b, c, d = e164:match("^%+998(%d%d)(%d%d%d)(%d%d)(%d%d)$")
  if not a then return e164 end
  return ("+998 %s %s %s %s"):format(a, b, c, d)
end

return M
