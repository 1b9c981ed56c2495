-- scripts/shop/recommend/store.lua — what the recommendations read and
-- write: co-purchases and sales from PostgreSQL (for the job), the
-- neighbours and best sellers in Redis (for the bot).
--
--   rec:together   hash  product id -> "id:score,id:score" (compute.encode)
--   rec:popular    string "id,id,..."  the season's best sellers, best first
local pg = require "pg"
local redis = require "redis"
local compute = require "shop.recommend.compute"

local M = {}

M.TOGETHER, M.POPULAR = "rec:together", "rec:popular"

local function must(v, err)
  if v == nil then error("recommend: " .. tostring(err), 0) end
  return v
end

-- One row per (order, product), cancelled orders left out, recent only.
local LINES = [[
  WITH lines AS (
    SELECT DISTINCT oi.order_id, oi.product_id
      FROM order_items oi JOIN orders o ON o.id = oi.order_id
     WHERE o.status <> 'cancelled' AND o.created_at > now() - make_interval(days => $1::int))
]]

local PAIRS = LINES .. [[
  SELECT a.product_id AS a, b.product_id AS b, count(*)::int AS n
    FROM lines a JOIN lines b ON b.order_id = a.order_id AND b.product_id > a.product_id
   GROUP BY 1, 2 HAVING count(*) >= $2::int]]

local COUNTS = LINES .. [[
  SELECT product_id AS id, count(*)::int AS n FROM lines GROUP BY 1]]

local POPULAR = [[
  SELECT oi.product_id AS id, sum(oi.count)::bigint AS n
    FROM order_items oi JOIN orders o ON o.id = oi.order_id
   WHERE o.status <> 'cancelled' AND o.created_at > now() - make_interval(days => $1::int)
   GROUP BY 1 ORDER BY n DESC, id LIMIT $2::int]]

-- pairs, counts (compute.neighbours' input)
function M.co_purchases(days, min_support)
  local pairs_ = must(pg.query(PAIRS, days, min_support))
  local counts = {}
  for _, r in ipairs(must(pg.query(COUNTS, days))) do counts[r.id] = r.n end
  return pairs_, counts
end

function M.best_sellers(days, limit)
  local ids = {}
  for i, r in ipairs(must(pg.query(POPULAR, days, limit))) do ids[i] = r.id end
  return ids
end

-- Replaces the neighbours and best sellers at once: the new hash is built
-- aside and renamed over the old, so a reader sees one or the other.
function M.write(neighbours, popular)
  local fresh = M.TOGETHER .. ":new"
  local cmds = { { "DEL", fresh } }
  local hset = { "HSET", fresh }
  for id, list in pairs(neighbours) do
    hset[#hset + 1] = tostring(id)
    hset[#hset + 1] = compute.encode(list)
  end
  if #hset > 2 then
    cmds[#cmds + 1] = hset
    cmds[#cmds + 1] = { "RENAME", fresh, M.TOGETHER }
  else
    cmds[#cmds + 1] = { "DEL", M.TOGETHER }
  end
  local ids = {}
  for i, id in ipairs(popular) do ids[i] = tostring(id) end
  cmds[#cmds + 1] = { "SET", M.POPULAR, table.concat(ids, ",") }
  local res = must(redis.pipeline(cmds))
  for _, r in ipairs(res) do
    if type(r) == "table" and r.err then error("recommend: " .. r.err, 0) end
  end
end

-- What read sends: the best sellers, and the neighbours of ids.
function M.commands(ids)
  local cmds = { { "GET", M.POPULAR } }
  if #ids > 0 then
    local hmget = { "HMGET", M.TOGETHER }
    for _, id in ipairs(ids) do hmget[#hmget + 1] = tostring(id) end
    cmds[2] = hmget
  end
  return cmds
end

-- The best sellers' string changes once per recompute: its list is kept
-- until it does (callers only read it).
local popular_of = { s = nil, list = {} }

-- What read makes of the replies to M.commands (nil: Redis did not answer).
function M.parse(res)
  must(res, "Redis did not answer")
  local together = {}
  if type(res[2]) == "table" and not res[2].err then
    for _, s in ipairs(res[2]) do compute.decode(s, together) end
  end
  if type(res[1]) ~= "string" then return together, {} end
  if res[1] ~= popular_of.s then
    local popular = {}
    for id in res[1]:gmatch("%d+") do popular[#popular + 1] = math.tointeger(tonumber(id)) end
    popular_of = { s = res[1], list = popular }
  end
  return together, popular_of.list
end

-- { [neighbour id] = best score with any of ids }, { popular id, ... }
function M.read(ids)
  return M.parse(must(redis.pipeline(M.commands(ids))))
end

-- Whether a recompute's result is in Redis (it is gone after Redis lost
-- its data: the job then runs before its due time).
function M.written()
  return must(redis.call("EXISTS", M.POPULAR)) == 1
end

return M
