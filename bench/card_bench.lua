-- bench/card_bench.lua — what a product card's suggestions cost: the
-- recommendations of every active product's card (shop/recommend.lua's
-- for_product: the Redis read, the client's history, the rule), BENCH_ROUNDS
-- (200) times over, for a client with orders, then the rule's pick alone on
-- the same input. Not a test: it prints figures. Run against private
-- services with the seed catalog, never the shop's database (it writes a
-- client and their orders, and deletes them again at the end):
--
--   tools/services.sh start build/services-dev && . build/services-dev/env
--   GULDASTA_ROOT=$PWD build/release/guldasta migrate
--   GULDASTA_ROOT=$PWD build/release/guldasta seed
--   GULDASTA_ROOT=$PWD build/release/guldasta run bench/card_bench.lua
local pg = require "pg"
local timer = require "timer"
local rules = require "rules"
local catalog = require "shop.catalog"
local recommend = require "shop.recommend"
local store = require "shop.recommend.store"
local history = require "shop.recommend.history"
local season = require "shop.season"
local job = require "shop.recommend.job"

local ROUNDS = tonumber(os.getenv("BENCH_ROUNDS")) or 200
local TG_ID = -4343

local function q(sql, ...) return assert(pg.query(sql, ...)) end

local function cleanup()
  q("DELETE FROM orders WHERE customer_id IN (SELECT id FROM users WHERE tg_id = $1)", TG_ID)
  q("DELETE FROM users WHERE tg_id = $1", TG_ID)
end

cleanup()
local c = catalog.get()
local ids = {}
for _, p in ipairs(c.list) do ids[#ids + 1] = p.id end
assert(#ids >= 3, "seed the catalog first (guldasta seed)")

-- a client who bought three products a few times: a history, and pairs
local user = { id = q("INSERT INTO users (tg_id) VALUES ($1) RETURNING id", TG_ID)[1].id }
for i = 1, 6 do
  local oid = q("INSERT INTO orders (customer_id, status, occasion) VALUES ($1, 'delivered', 'love') RETURNING id",
    user.id)[1].id
  for k = 0, 2 do
    local p = c.list[1 + (i + k) % #c.list]
    q("INSERT INTO order_items (order_id, product_id, count, unit_price) VALUES ($1, $2, 1, $3)", oid, p.id, p.price)
  end
end
job.recompute()
history.forget(user.id)

local function measure(label, fn)
  fn()   -- warm: the catalog, the client's history, whatever is kept
  local wall, cpu = timer.monotonic(), os.clock()
  local n = 0
  for _ = 1, ROUNDS do
    for _, id in ipairs(ids) do fn(id); n = n + 1 end
  end
  wall, cpu = timer.monotonic() - wall, os.clock() - cpu
  print(("%-34s %6d calls  %7.1f us wall  %7.1f us CPU per call"):format(label, n, wall / n * 1e6, cpu / n * 1e6))
end

print(("%d active products, %d rounds"):format(#ids, ROUNDS))
local suggested = 0
measure("recommend.for_product", function(id)
  suggested = suggested + #recommend.for_product(id or ids[1], user)
end)
local together, popular = store.read({ ids[1] })
local client, day = history.of(user.id), season.today()
measure("rules.recommend.pick (whole list)", function(id)
  assert(rules.recommend.pick { anchors = { c.products[id or ids[1]] }, candidates = c.list,
    together = together, popular = popular, client = client, date = day })
end)
local r = rules.recommend
local usable = assert(r.usable(c.list, day))
local taste = assert(r.taste(client, usable))
local likeness = {}
for _, id in ipairs(ids) do likeness[id] = assert(r.likeness({ c.products[id] }, usable)) end
measure("rules.recommend.pick (kept steps)", function(id)
  id = id or ids[1]
  assert(r.pick { anchors = { c.products[id] }, together = together, popular = popular, date = day,
    usable = usable, likeness = likeness[id], taste = taste })
end)
-- the kept steps give what the whole rule gives, card by card
for _, id in ipairs(ids) do
  local t = store.read({ id })
  local whole = r.pick { anchors = { c.products[id] }, candidates = c.list, together = t, popular = popular,
    client = client, date = day }
  local got = recommend.for_product(id, user)
  assert(#whole == #got, "product " .. id)
  for i, x in ipairs(whole) do
    assert(x.id == got[i].product.id and x.source == got[i].source, "product " .. id)
  end
end
print(("suggestions per card: %.2f (the same as the whole rule's on every card)")
  :format(suggested / (ROUNDS * #ids + 1)))
cleanup()
