-- scripts/shop/recommend/job.lua — the periodic recompute of "often chosen
-- together" and of the season's best sellers (a timer of bot/init.lua,
-- every rules.recommend.RECOMPUTE_SECONDS): co-purchases from PostgreSQL,
-- the cosine neighbours, one write to Redis. Never on a customer's
-- request: a card or a cart only reads the result.
local rules = require "rules"
local log = require "log"
local timer = require "timer"
local crypto = require "crypto"
local store = require "shop.recommend.store"
local compute = require "shop.recommend.compute"

local M = {}

M.POPULAR_KEPT = 30   -- best sellers stored; the rule takes what it shows

-- Recomputes now. Returns { products =, pairs =, seconds = }.
function M.recompute()
  local r = rules.recommend
  local t0 = timer.monotonic()
  local pairs_, counts = store.co_purchases(r.ORDERS_DAYS, r.MIN_SUPPORT)
  local neighbours = compute.neighbours(pairs_, counts, r.NEIGHBOURS)
  local popular = store.best_sellers(r.POPULAR_DAYS, M.POPULAR_KEPT)
  store.write(neighbours, popular)
  local n = 0
  for _ in pairs(neighbours) do n = n + 1 end
  return { products = n, pairs = #pairs_, seconds = timer.monotonic() - t0 }
end

-- The timer's tick: one process per period does the work (the lock lasts
-- most of a period, so another engine process, or this one after a
-- reload, does not repeat it).
function M.tick()
  local period = rules.recommend.RECOMPUTE_SECONDS
  if not store.lock(math.max(1, period * 9 // 10), crypto.hex(crypto.random_bytes(8))) then return end
  local ok, res = pcall(M.recompute)
  if ok then log.info("recommendations recomputed", res)
  else log.error("recommendations recompute failed", { err = tostring(res) }) end
end

return M
