-- scripts/shop/recommend/history.lua — a client's own history as the rule
-- reads it (rules/recommend.lua's `client`): the colours they chose, the
-- occasions they ordered for, their usual spend on one product, whether
-- they buy VIP, what they have bought; and the colours they told us they
-- like (users.preferences.colours). Kept per process for a minute, so a
-- customer browsing cards costs one read a minute.
local pg = require "pg"
local timer = require "timer"

local M = {}

M.TTL = 60          -- seconds a client's history is reused
M.ORDERS = 30       -- their most recent order lines read
M.KEEP = 5000       -- clients remembered per process, at most

local cache, cached = {}, 0

-- One round trip: the user's row, with their most recent order lines
-- beside it (none: one row of nulls), so a first card costs one query.
local HISTORY = [[
  SELECT u.preferences->'colours' AS liked, l.occasion, l.id, l.colour, l.vip, l.unit_price
    FROM users u
    LEFT JOIN LATERAL (
      SELECT o.occasion, p.id, p.colour, p.vip, oi.unit_price
        FROM orders o JOIN order_items oi ON oi.order_id = o.id JOIN products p ON p.id = oi.product_id
       WHERE o.customer_id = u.id AND o.status <> 'cancelled'
       ORDER BY o.created_at DESC, oi.id LIMIT $2) l ON true
   WHERE u.id = $1]]

local function load(user_id)
  local rows = pg.query(HISTORY, user_id, M.ORDERS)
  if not rows then return nil end
  local client = { colours = {}, occasions = {}, bought = {}, vip = false }
  local prices = {}
  for _, r in ipairs(rows) do
    if r.id ~= pg.null then
      if r.occasion ~= pg.null then client.occasions[r.occasion] = true end
      if r.colour ~= pg.null then
        for c in r.colour:lower():gmatch("[a-z0-9_]+") do client.colours[c] = (client.colours[c] or 0) + 1 end
      end
      if r.vip == true then client.vip = true end
      client.bought[r.id] = true
      prices[#prices + 1] = r.unit_price
    end
  end
  table.sort(prices)
  if #prices > 0 then client.budget = prices[(#prices + 1) // 2] end
  local liked = rows[1] and rows[1].liked
  if type(liked) == "table" then
    for _, c in ipairs(liked) do
      if type(c) == "string" then client.colours[c] = (client.colours[c] or 0) + 1 end
    end
  end
  return client
end

-- The client's history, or nil (no user, or the database did not answer:
-- then they get suggestions without it).
function M.of(user_id)
  if not user_id then return nil end
  local now = timer.monotonic()
  local hit = cache[user_id]
  if hit and now - hit.at < M.TTL then return hit.client end
  local client = load(user_id)
  if not client then return nil end
  if not hit then
    if cached >= M.KEEP then cache, cached = {}, 0 end
    cached = cached + 1
  end
  cache[user_id] = { client = client, at = now }
  return client
end

-- Forget a client (their new order should count at once in a spec).
function M.forget(user_id)
  if cache[user_id] then cache[user_id] = nil; cached = cached - 1 end
end

return M
