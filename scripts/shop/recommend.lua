-- scripts/shop/recommend.lua — what to suggest beside a product and under a
-- cart: rules/recommend.lua blends "often chosen together" (neighbours a
-- job keeps in Redis, shop/recommend/job.lua), "suits you" (the rule's
-- points, with the client's history) and, when neither has enough, the
-- season's best sellers.
--
--   recommend.for_product(product_id, user[, replies]) -> { { product =, source = }, ... }
--   recommend.for_cart(user[, cart])         -> the same, for the cart's lines
--   source: "together" | "suits" | "popular"
--   recommend.commands(product_id) -> { redis command, ... }
--       what for_product reads from Redis, for a caller that sends them in
--       its own pipeline with what else it reads (bot/card.lua: the
--       photo's file_id) and passes their replies, in order, as `replies`
--       (false: that pipeline failed)
--
-- A suggestion is an extra: if Redis, the database or the rule fails, the
-- answer is an empty list (and a log line), never a broken card or cart.
--
-- What the rule works out that does not depend on the client (what may be
-- suggested that day, each product's likeness to the card's) is kept per
-- catalog copy and day, and a client's points per history copy
-- (shop/recommend/history.lua keeps each for a minute): a card then costs
-- the rule a pass over the usable products with two lookups each, not the
-- points of every product. A new catalog copy (an edit in the shop), a new
-- day or a reload (rules/ edited: a new generation starts with nothing
-- kept) works them out again.
local rules = require "rules"
local log = require "log"
local catalog = require "shop.catalog"
local cart = require "shop.cart"
local season = require "shop.season"
local store = require "shop.recommend.store"
local history = require "shop.recommend.history"

local M = {}

M.KEEP = 2000   -- anchor sets (cards, carts) whose likeness is kept per catalog copy, at most

local kept = {}   -- { catalog =, date =, usable =, likeness = { [key] = }, n =, taste = { [client] = } }

local function must(v, err, why)
  if v == nil then error(tostring(why or err), 0) end
  return v
end

-- What is kept for catalog copy c on day `day`, started afresh on a new copy or day.
local function kept_for(c, day)
  if kept.catalog ~= c or kept.date ~= day then
    kept = { catalog = c, date = day, usable = must(rules.recommend.usable(c.list, day)),
             likeness = {}, n = 0, taste = setmetatable({}, { __mode = "k" }) }
  end
  return kept
end

local function likeness(k, anchors)
  local ids = {}
  for i, a in ipairs(anchors) do ids[i] = a.id end
  table.sort(ids)
  local key = table.concat(ids, ",")
  local hit = k.likeness[key]
  if not hit then
    hit = must(rules.recommend.likeness(anchors, k.usable))
    if k.n >= M.KEEP then k.likeness, k.n = {}, 0 end
    k.likeness[key], k.n = hit, k.n + 1
  end
  return hit
end

local NO_TASTE = {}

local function taste(k, client)
  if not client then return NO_TASTE end
  local hit = k.taste[client]
  if not hit then
    hit = must(rules.recommend.taste(client, k.usable))
    k.taste[client] = hit
  end
  return hit
end

local function suggest(anchor_ids, user, replies)
  local c = catalog.get()
  local anchors = {}
  for _, id in ipairs(anchor_ids) do
    if c.products[id] then anchors[#anchors + 1] = c.products[id] end
  end
  local together, popular
  if replies == nil then together, popular = store.read(anchor_ids)
  else together, popular = store.parse(replies or nil) end
  local day = season.today()
  local k = kept_for(c, day)
  local picked = must(rules.recommend.pick {
    anchors = anchors, candidates = c.list, together = together, popular = popular, date = day,
    usable = k.usable, likeness = likeness(k, anchors), taste = taste(k, history.of(user and user.id)),
  })
  local out = {}
  for _, x in ipairs(picked) do
    local p = c.products[x.id]
    if p then out[#out + 1] = { product = p, source = x.source } end
  end
  return out
end

local function safely(anchor_ids, user, replies)
  local ok, res = pcall(suggest, anchor_ids, user, replies)
  if ok then return res end
  log.warn("recommendations failed", { err = tostring(res) })
  return {}
end

function M.commands(product_id)
  return store.commands({ product_id })
end

function M.for_product(product_id, user, replies)
  return safely({ product_id }, user, replies)
end

-- The cart's products: its product lines and the flowers of its bouquets.
-- the_cart: the cart as the caller has just read it (cart.get), saving a
-- second read of it; else it is read here.
function M.for_cart(user, the_cart)
  local ids, seen = {}, {}
  local function add(id)
    if id and not seen[id] then seen[id] = true; ids[#ids + 1] = id end
  end
  for _, l in ipairs((the_cart or cart.get(user.id)).lines) do
    add(l.product_id)
    for _, s in ipairs(l.stems or {}) do add(s.product_id) end
  end
  if #ids == 0 then return {} end
  return safely(ids, user)
end

return M
