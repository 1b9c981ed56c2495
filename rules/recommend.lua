-- rules/recommend.lua — what the bot suggests beside a product and before
-- checkout, and how the two sources blend: "often chosen together" (the
-- co-purchase neighbours shop/recommend/ computes from orders) and "suits
-- you" (the points below, from the product and the client's own history).
-- Pure: shop/recommend.lua passes in every product, neighbour and past
-- order as data.
--
--   recommend.pick(input) -> { { id =, source = "together"|"suits"|"popular" }, ... }
--     input = {
--       anchors    = { product, ... }   the card's product, or the cart's
--       candidates = { product, ... }   what may be suggested (active products)
--       together   = { [id] = score }   co-purchase scores with the anchors, 0..1
--       popular    = { id, ... }        best sellers of the season, best first
--       client     = history | nil      see M.history_points
--       date       = "YYYY-MM-DD"       the shop's day (seasons)
--     }
--   product = { id, price, colours = {code=true}, occasions = {...},
--               tags = {...}, vip, kind }
--
-- pick works in steps, and the first three do not change from one card to
-- the next: what may be suggested that day, how like each one is to the
-- card's product, and the points a client's history gives each one. So
-- shop/recommend.lua works them out once (per catalog copy and day, per
-- product, per client history) and hands them back in:
--
--   recommend.usable(candidates, date) -> { [id] = product }  what may be suggested that day
--   recommend.likeness(anchors, usable) -> { [id] = points }  M.points against the anchors
--   recommend.taste(client, usable) -> { [id] = points }      M.history_points
--     input.usable, input.likeness, input.taste: when given, pick uses
--     them instead of working them out from candidates, anchors and client
--     (a product missing from likeness or taste has 0 points there).

local season = require "season"

local M = {}

M.SHOW = 3                -- suggestions on a card or under a cart, at most
M.TOGETHER_FIRST = 2      -- of those, how many "often chosen together" go first
M.MIN_TOGETHER = 0.1      -- a co-purchase score below this is chance, not a habit
M.MIN_SUITS = 3           -- points a product needs before it "suits you"
M.KINDS = { composition = true, stem = true }   -- what is suggested (extras are not: the cart offers them)

-- Points a candidate earns against an anchor product.
M.POINTS = {
  occasion = 3,           -- shares an occasion with the anchor
  colour = 2,             -- shares a colour
  price_band = 2,         -- costs within PRICE_BAND of the anchor
  tag = 1,                -- per shared tag (seasonal tags and "filler" are not counted)
  vip = 2,                -- VIP like a VIP anchor (a VIP anchor's client likes VIP)
}
M.PRICE_BAND = 0.3        -- ±30 % of the anchor's price

-- Points from the client's own history (client = {
--   colours = { red = 3 },      how often each colour was in their orders
--   occasions = { birthday = 2 }, the occasions they ordered for
--   budget = tiyin,             their usual spend on one product (median)
--   vip = true,                 they bought a VIP product before
--   bought = { [id] = true } }) what they bought already
M.HISTORY = {
  colour = 2,             -- a colour they chose before
  occasion = 2,           -- an occasion they ordered for before
  budget = 2,             -- within PRICE_BAND of their usual budget
  vip = 2,                -- VIP, for a client who bought VIP before
  bought = -3,            -- they have it already: suggest something new
}

M.RECOMPUTE_SECONDS = 3600  -- how often the co-purchase job runs
M.MIN_SUPPORT = 2           -- orders a pair must share before it counts
M.NEIGHBOURS = 10           -- neighbours kept per product
M.ORDERS_DAYS = 365         -- orders this recent feed "often chosen together"
M.POPULAR_DAYS = 60         -- sales this recent make a "best seller of the season"

local IGNORED_TAGS = { filler = true }

local function set_of(list)
  local s = {}
  for _, v in ipairs(list or {}) do s[v] = true end
  return s
end

local function in_band(price, centre)
  return centre and centre > 0 and math.abs(price - centre) <= centre * M.PRICE_BAND
end

-- Points of candidate c against anchor a.
function M.points(a, c)
  local p = 0
  local occ = set_of(a.occasions)
  for _, o in ipairs(c.occasions or {}) do
    if occ[o] then p = p + M.POINTS.occasion; break end
  end
  for code in pairs(c.colours or {}) do
    if (a.colours or {})[code] then p = p + M.POINTS.colour; break end
  end
  if in_band(c.price, a.price) then p = p + M.POINTS.price_band end
  local tags = set_of(a.tags)
  for _, t in ipairs(c.tags or {}) do
    if tags[t] and not IGNORED_TAGS[t] and not season.parse(t) then p = p + M.POINTS.tag end
  end
  if a.vip and c.vip then p = p + M.POINTS.vip end
  return p
end

-- Points of candidate c from the client's history.
function M.history_points(client, c)
  if not client then return 0 end
  local p = 0
  for code in pairs(c.colours or {}) do
    if (client.colours or {})[code] then p = p + M.HISTORY.colour; break end
  end
  for _, o in ipairs(c.occasions or {}) do
    if (client.occasions or {})[o] then p = p + M.HISTORY.occasion; break end
  end
  if in_band(c.price, client.budget) then p = p + M.HISTORY.budget end
  if client.vip and c.vip then p = p + M.HISTORY.vip end
  if (client.bought or {})[c.id] then p = p + M.HISTORY.bought end
  return p
end

-- Step 1: candidates of a kind we suggest and in season that day.
function M.usable(candidates, date)
  local usable = {}
  for _, c in ipairs(candidates or {}) do
    if M.KINDS[c.kind] and season.in_season(c, date) then usable[c.id] = c end
  end
  return usable
end

-- Step 2: each usable product's likeness to the anchors (a cart: to its
-- lines on average). Products with 0 points are left out.
function M.likeness(anchors, usable)
  local out = {}
  for id, c in pairs(usable) do
    local p = 0
    for _, a in ipairs(anchors) do p = p + M.points(a, c) end
    if #anchors > 1 then p = p // #anchors end
    if p ~= 0 then out[id] = p end
  end
  return out
end

-- Step 3: each usable product's points from the client's history. Products
-- with 0 points are left out.
function M.taste(client, usable)
  local out = {}
  if not client then return out end
  for id, c in pairs(usable) do
    local p = M.history_points(client, c)
    if p ~= 0 then out[id] = p end
  end
  return out
end

-- The n first of list in the order `before`, without sorting all of it (a
-- card shows three of what may be most of the catalog).
local function first(list, n, before)
  local top = {}
  if n <= 0 then return top end
  for _, x in ipairs(list) do
    local i = #top
    if i < n or before(x, top[n]) then
      if i == n then i = n - 1 end     -- the last one drops out
      while i >= 1 and before(x, top[i]) do top[i + 1] = top[i]; i = i - 1 end
      top[i + 1] = x
    end
  end
  return top
end

function M.pick(input)
  local anchors, shown, out = input.anchors or {}, {}, {}
  for _, a in ipairs(anchors) do shown[a.id] = true end
  local usable = input.usable or M.usable(input.candidates, input.date)
  local likeness = input.likeness or M.likeness(anchors, usable)
  local taste = input.taste or M.taste(input.client, usable)
  local function add(id, source)
    if #out < M.SHOW and usable[id] and not shown[id] then
      shown[id] = true
      out[#out + 1] = { id = id, source = source }
    end
  end
  -- often chosen together: the strongest pairs first
  local together = {}
  for id, score in pairs(input.together or {}) do
    if score >= M.MIN_TOGETHER and usable[id] and not shown[id] then
      together[#together + 1] = { id = id, score = score }
    end
  end
  table.sort(together, function(x, y) if x.score ~= y.score then return x.score > y.score end return x.id < y.id end)
  for i = 1, math.min(M.TOGETHER_FIRST, #together) do add(together[i].id, "together") end
  -- suits you: the anchors' likeness and the client's habits
  local suits = {}
  for id in pairs(usable) do
    if not shown[id] then
      local p = (likeness[id] or 0) + (taste[id] or 0)
      if p >= M.MIN_SUITS then suits[#suits + 1] = { id = id, p = p } end
    end
  end
  suits = first(suits, M.SHOW - #out, function(x, y)
    if x.p ~= y.p then return x.p > y.p end
    return x.id < y.id
  end)
  for _, s in ipairs(suits) do add(s.id, "suits") end
  -- what is left of the pairs, then the season's best sellers (cold start)
  for i = M.TOGETHER_FIRST + 1, #together do add(together[i].id, "together") end
  for _, id in ipairs(input.popular or {}) do add(id, "popular") end
  return out
end

function M.selfcheck()
  if M.TOGETHER_FIRST > M.SHOW then return false, "TOGETHER_FIRST cannot exceed SHOW" end
  local rose = { id = 1, kind = "composition", price = 100, colours = { red = true }, occasions = { "love" }, tags = {} }
  local red = { id = 2, kind = "composition", price = 110, colours = { red = true }, occasions = { "love" }, tags = {} }
  local far = { id = 3, kind = "composition", price = 900, colours = { blue = true }, occasions = {}, tags = {} }
  local got = M.pick { anchors = { rose }, candidates = { rose, red, far }, together = { [3] = 0.5 },
                       date = "2026-03-08" }
  if not (got[1] and got[1].id == 3 and got[1].source == "together" and got[2] and got[2].id == 2
          and got[2].source == "suits" and not got[3]) then
    return false, "a pair must come first, then a like product; an unlike one is no suggestion"
  end
  return true
end

return M
