-- rules/season.lua — when a seasonal flower can be sold (domain.md R-R1:
-- tulips January to April, peonies May and June). The shop edits this
-- file; which products are seasonal is the catalog's business (a tag).
--
--   season.of(product) -> { from = 1, to = 4, tag = "season_jan_apr" } | nil
--   season.in_season(product, date) -> true | false, season
--       date "YYYY-MM-DD", the shop's local day (the caller passes it:
--       the catalog and the cart ask with today, a spec with any day)
--   season.shown(product, date) -> "yes" | "unavailable" | "hidden"
--   product = a catalog row: { tags = {...} } or { tag_set = {...} }
--
-- A product is seasonal when one of its tags names its months:
-- "season_<first>_<last>" with three-letter English month names, both
-- months included — season_jan_apr, season_may_jun; a season may run over
-- the new year (season_nov_feb). A product with no such tag is never out
-- of season. A composition made of a seasonal flower carries the flower's
-- tag (devkit/seed/check.lua says so), and the cart looks at its parts too.
--
-- Out of season, a product cannot be put in a cart at all (shop/cart.lua
-- asks this file on every add, whatever the button or link), and the
-- constructor does not offer it. What the customer sees of it is
-- OUT_OF_SEASON below.

local M = {}

-- What the catalog does with a product out of season:
--   "unavailable"  listed with a mark and its card opens, saying when it
--                  is in season, without "Add to cart" — a customer who
--                  looks for tulips in December learns they come back in
--                  January, rather than that the shop has none;
--   "hidden"       neither listed nor opened (a link to it says the
--                  product is not on sale).
M.OUT_OF_SEASON = "unavailable"

M.TAG_PREFIX = "season_"

M.MONTHS = { jan = 1, feb = 2, mar = 3, apr = 4, may = 5, jun = 6,
             jul = 7, aug = 8, sep = 9, oct = 10, nov = 11, dec = 12 }

local function tags_of(product)
  if type(product) ~= "table" then return {} end
  if type(product.tags) == "table" then return product.tags end
  local list = {}
  if type(product.tag_set) == "table" then
    for t, on in pairs(product.tag_set) do if on then list[#list + 1] = t end end
    table.sort(list)
  end
  return list
end

-- "season_jan_apr" -> { from = 1, to = 4, tag = }, anything else nil.
function M.parse(tag)
  if type(tag) ~= "string" or tag:sub(1, #M.TAG_PREFIX) ~= M.TAG_PREFIX then return nil end
  local a, b = tag:sub(#M.TAG_PREFIX + 1):match("^(%a%a%a)_(%a%a%a)$")
  local from, to = a and M.MONTHS[a:lower()], b and M.MONTHS[b:lower()]
  if not from or not to then return nil end
  return { from = from, to = to, tag = tag }
end

function M.of(product)
  for _, t in ipairs(tags_of(product)) do
    local s = M.parse(t)
    if s then return s end
  end
  return nil
end

-- The month of "YYYY-MM-DD", or nil.
local function month_of(date)
  if type(date) ~= "string" then return nil end
  local m = date:match("^%d%d%d%d%-(%d%d)%-%d%d$")
  m = m and tonumber(m)
  if not m or m < 1 or m > 12 then return nil end
  return m
end

function M.months_cover(s, month)
  if s.from <= s.to then return month >= s.from and month <= s.to end
  return month >= s.from or month <= s.to   -- over the new year
end

-- A seasonal product asked about a day that is no date is out of season:
-- better not sold than sold in the wrong month.
function M.in_season(product, date)
  local s = M.of(product)
  if not s then return true end
  local month = month_of(date)
  if not month then return false, s end
  return M.months_cover(s, month), s
end

function M.shown(product, date)
  if M.in_season(product, date) then return "yes" end
  return M.OUT_OF_SEASON
end

function M.selfcheck()
  if M.OUT_OF_SEASON ~= "unavailable" and M.OUT_OF_SEASON ~= "hidden" then
    return false, "OUT_OF_SEASON must be unavailable or hidden"
  end
  local tulip = { tags = { "season_jan_apr" } }
  if M.in_season(tulip, "2026-12-07") or not M.in_season(tulip, "2026-03-07") then
    return false, "tulips (season_jan_apr) must be out on 7 December and in on 7 March"
  end
  if not M.in_season({ tags = { "season_nov_feb" } }, "2027-01-15") then
    return false, "a season over the new year must cover January"
  end
  if not M.in_season({ tags = {} }, "2026-12-07") then return false, "a product without a season is always in" end
  return true
end

return M
