-- scripts/shop/inventory/lots.lua — what is on hand, split by the day it
-- arrived (stock_lots). Every change of stock.on_hand moves the product's
-- lots in the same transaction, under the stock row's lock its caller
-- already holds, so the lots of a product always sum to its on_hand:
--
--   lots.move(tx, product_id, before, delta, how)
--       before: on_hand before the change. delta > 0 comes in: a new lot
--       dated today (how = "new", a delivery or a count that found more)
--       or back into the newest lot (how = "back", a cancelled order's
--       return); delta < 0 goes out of the oldest lots first (FIFO: a
--       sale, a loss, a count that found fewer).
--   lots.today(now) -> "YYYY-MM-DD", the shop's day
--
-- Returns go to the newest lot: which lots a sale took is not recorded,
-- and a newest-lot return never makes stems look older than the shop's
-- freshest ones, so the oldest-first order of the others is kept; the
-- returned stems are at the front of the vase-life list only as their
-- lot ages.
--
-- Stock that came in without a lot (the seed, an SQL statement) is first
-- reconciled: the lots are brought to `before` with a lot dated today, or
-- trimmed oldest first, so one stray statement does not break the sum
-- for good.
local M = {}

local function check(rows, err, code)
  if not rows then error(("stock lots: %s (%s)"):format(tostring(err), tostring(code)), 2) end
  return rows
end

-- The engine runs in SHOP_TZ (engine/main.c sets TZ), so os.date is the
-- shop's clock.
function M.today(now) return os.date("%Y-%m-%d", now or os.time()) end

local SUM = [[SELECT coalesce(sum(remaining), 0)::int AS n FROM stock_lots WHERE product_id = $1 AND remaining > 0]]

local NEW = [[INSERT INTO stock_lots (product_id, arrived_on, received, remaining) VALUES ($1, $2::date, $3, $3)]]

-- n stems out of the open lots, oldest first: each lot gives what is left
-- of n after the older lots gave theirs.
local TAKE = [[
  UPDATE stock_lots l
     SET remaining = l.remaining - least(l.remaining, $2 - o.before)
    FROM (SELECT id, sum(remaining) OVER (ORDER BY arrived_on, id) - remaining AS before
            FROM stock_lots WHERE product_id = $1 AND remaining > 0) o
   WHERE l.id = o.id AND o.before < $2]]

-- n stems into the product's newest lot, open or not; nothing when it has none
local BACK = [[
  UPDATE stock_lots SET remaining = remaining + $2, received = greatest(received, remaining + $2)
   WHERE id = (SELECT id FROM stock_lots WHERE product_id = $1 ORDER BY arrived_on DESC, id DESC LIMIT 1)
  RETURNING id]]

local function reconcile(tx, product_id, before)
  local n = check(tx:query(SUM, product_id))[1].n
  if n < before then check(tx:query(NEW, product_id, M.today(), before - n))
  elseif n > before then check(tx:query(TAKE, product_id, n - before)) end
end

function M.move(tx, product_id, before, delta, how)
  if delta == 0 then return end
  reconcile(tx, product_id, before)
  if delta < 0 then
    check(tx:query(TAKE, product_id, -delta))
  elseif how ~= "back" or not check(tx:query(BACK, product_id, delta))[1] then
    check(tx:query(NEW, product_id, M.today(), delta))
  end
end

return M
