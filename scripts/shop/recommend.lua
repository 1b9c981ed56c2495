-- scripts/shop/recommend.lua — what to suggest beside a product and under a
-- cart: rules/recommend.lua blends "often chosen together" (neighbours a
-- job keeps in Redis, shop/recommend/job.lua), "suits you" (the rule's
-- points, with the client's history) and, when neither has enough, the
-- season's best sellers.
--
--   recommend.for_product(product_id, user) -> { { product =, source = }, ... }
--   recommend.for_cart(user)                 -> the same, for the cart's lines
--   source: "together" | "suits" | "popular"
--
-- A suggestion is an extra: if Redis, the database or the rule fails, the
-- answer is an empty list (and a log line), never a broken card or cart.
local rules = require "rules"
local log = require "log"
local catalog = require "shop.catalog"
local cart = require "shop.cart"
local season = require "shop.season"
local store = require "shop.recommend.store"
local history = require "shop.recommend.history"

local M = {}

local function suggest(anchor_ids, user)
  local c = catalog.get()
  local anchors = {}
  for _, id in ipairs(anchor_ids) do
    if c.products[id] then anchors[#anchors + 1] = c.products[id] end
  end
  local together, popular = store.read(anchor_ids)
  local picked, err, why = rules.recommend.pick {
    anchors = anchors, candidates = c.list, together = together, popular = popular,
    client = history.of(user and user.id), date = season.today(),
  }
  if not picked then error(tostring(why or err), 0) end
  local out = {}
  for _, x in ipairs(picked) do
    local p = c.products[x.id]
    if p then out[#out + 1] = { product = p, source = x.source } end
  end
  return out
end

local function safely(anchor_ids, user)
  local ok, res = pcall(suggest, anchor_ids, user)
  if ok then return res end
  log.warn("recommendations failed", { err = tostring(res) })
  return {}
end

function M.for_product(product_id, user)
  return safely({ product_id }, user)
end

-- The cart's products: its product lines and the flowers of its bouquets.
function M.for_cart(user)
  local ids, seen = {}, {}
  local function add(id)
    if id and not seen[id] then seen[id] = true; ids[#ids + 1] = id end
  end
  for _, l in ipairs(cart.get(user.id).lines) do
    add(l.product_id)
    for _, s in ipairs(l.stems or {}) do add(s.product_id) end
  end
  if #ids == 0 then return {} end
  return safely(ids, user)
end

return M
