-- scripts/shop/recommend/job.lua — the periodic recompute of "often chosen
-- together" and of the season's best sellers (a timer of bot/init.lua,
-- every rules.recommend.RECOMPUTE_SECONDS): co-purchases from PostgreSQL,
-- the cosine neighbours, one write to Redis. Never on a customer's
-- request: a card or a cart only reads the result.
local rules = require "rules"
local log = require "log"
local timer = require "timer"
local runs = require "shop.periodic_runs"
local store = require "shop.recommend.store"
local compute = require "shop.recommend.compute"

local M = {}

local JOB = "recommend.recompute"

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

-- The timer's tick: one process per period does the work. The due time
-- is in PostgreSQL (shop/periodic_runs.lua), so another engine process,
-- or this one after a restart or reload, does not repeat it within the
-- period, and one that comes back after the period ran out recomputes at
-- once. When Redis lost the result, it is recomputed before its time.
function M.tick()
  local ok, res = pcall(function()
    if not runs.claim(JOB, rules.recommend.RECOMPUTE_SECONDS, not store.written()) then return nil end
    local done, out = pcall(M.recompute)
    if not done then runs.release(JOB); error(out, 0) end
    return out
  end)
  if not ok then log.error("recommendations recompute failed", { err = tostring(res) })
  elseif res then log.info("recommendations recomputed", res) end
end

return M
