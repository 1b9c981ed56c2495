-- rules/substitution.lua — what a florist may offer a customer instead of
-- an item she lacks or finds poor, how long the customer has to answer,
-- and who decides when they decline or do not answer. Pure: the shop
-- (scripts/shop/substitution.lua) passes the item and the candidates in.
--
--   substitution.pick(item, candidates) -> { candidate, ... } best first, at most OFFER
--     item, candidate = { id, kind, price (tiyin), colours = { code = true },
--                         occasions = { code, ... } }

-- A like price is the one recommendations use ("suits you"): one
-- definition of "about the same money" for the whole shop.
local recommend = require "recommend"

local M = {}

-- What may be substituted, and by what: a flower by a flower, a bouquet
-- by a bouquet (extras, wrapping and ribbons are the florist's to swap
-- without asking).
M.KINDS = { composition = true, stem = true }

-- Substitutes offered for one item, at most (nearest price first).
M.OFFER = 3

-- A substitute costs within this share of the item's price either way.
M.PRICE_BAND = recommend.PRICE_BAND

-- Colour families: a substitute must share a family with the item (one
-- of its colours with one of the item's). A colour not listed is a family
-- of its own. An item without a colour takes any.
M.FAMILIES = {
  red = "red", dark_red = "red", burgundy = "red",
  pink = "pink", peach = "pink", pastel = "pink",
  white = "white", cream = "white",
  yellow = "yellow", orange = "yellow",
  blue = "blue", purple = "blue",
  mixed = "mixed",
}

-- Minutes the customer has to answer; then the owner or a manager decides
-- (as after a decline). A fraction is allowed (specs: seconds).
M.ANSWER_MINUTES = 30

-- Who decides after a decline or no answer: [Keep] or [Cancel with a
-- refund], in OWNER_CHAT_ID (owners pass every role).
M.DECIDES = "manager"

-- Every this many seconds an engine process looks for proposals past
-- their answer time and for proposals or questions not yet delivered.
M.CHECK_SECONDS = 30

-- A proposal or question claimed by a process that did not deliver it
-- within this many seconds (it died) is claimed again. Longer than one
-- send may last (the Bot API client gives up after 120 s), so a slow send
-- is never taken over and sent twice.
M.CLAIM_STALE_SECONDS = 180

function M.family(code) return M.FAMILIES[code] or code end

local function families(colours)
  local set, any = {}, false
  for code in pairs(colours or {}) do set[M.family(code)] = true; any = true end
  return set, any
end

-- Does candidate c stand in for item: the same kind, a like price, a
-- shared colour family and a shared occasion (when the item has them).
function M.suits(item, c)
  if c.id == item.id or c.kind ~= item.kind or not M.KINDS[c.kind] then return false end
  if math.abs(c.price - item.price) > item.price * M.PRICE_BAND then return false end
  local want, has_colour = families(item.colours)
  if has_colour then
    local ok = false
    for f in pairs((families(c.colours))) do if want[f] then ok = true; break end end
    if not ok then return false end
  end
  if item.occasions and item.occasions[1] then
    local occ = {}
    for _, o in ipairs(item.occasions) do occ[o] = true end
    local ok = false
    for _, o in ipairs(c.occasions or {}) do if occ[o] then ok = true; break end end
    if not ok then return false end
  end
  return true
end

function M.pick(item, candidates)
  local out = {}
  for _, c in ipairs(candidates or {}) do
    if M.suits(item, c) then out[#out + 1] = c end
  end
  table.sort(out, function(a, b)
    local da, db = math.abs(a.price - item.price), math.abs(b.price - item.price)
    if da ~= db then return da < db end
    return a.id < b.id
  end)
  for i = #out, M.OFFER + 1, -1 do out[i] = nil end
  return out
end

function M.selfcheck()
  if math.type(M.OFFER) ~= "integer" or M.OFFER < 1 or M.OFFER > 8 then return false, "OFFER must be 1..8" end
  if type(M.ANSWER_MINUTES) ~= "number" or M.ANSWER_MINUTES <= 0 then return false, "ANSWER_MINUTES must be > 0" end
  if type(M.PRICE_BAND) ~= "number" or M.PRICE_BAND < 0 then return false, "PRICE_BAND must be >= 0" end
  if M.DECIDES ~= "manager" and M.DECIDES ~= "owner" then return false, "DECIDES is manager or owner" end
  for _, k in ipairs { "CHECK_SECONDS", "CLAIM_STALE_SECONDS" } do
    if type(M[k]) ~= "number" or M[k] <= 0 then return false, k .. " must be > 0" end
  end
  local item = { id = 1, kind = "composition", price = 100, colours = { red = true }, occasions = { "love" } }
  local got = M.pick(item, {
    { id = 2, kind = "composition", price = 110, colours = { dark_red = true }, occasions = { "love" } },
    { id = 3, kind = "composition", price = 100, colours = { white = true }, occasions = { "love" } },
    { id = 4, kind = "stem", price = 100, colours = { red = true }, occasions = { "love" } },
    { id = 5, kind = "composition", price = 500, colours = { red = true }, occasions = { "love" } },
  })
  if not (got[1] and got[1].id == 2 and not got[2]) then
    return false, "a like bouquet of the same colour family must be the one offer"
  end
  return true
end

return M
