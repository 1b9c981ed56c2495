-- scripts/shop/stock.lua — stock reservations in Redis: what carts and
-- placed orders hold, so that nothing is sold twice.
--
-- PostgreSQL's `stock.on_hand` says what is physically in the shop; a cart
-- or a placed order that is not yet accepted HOLDS units of it here. A
-- reservation is one atomic Redis script that refuses when
-- on_hand - reserved < wanted, so fifty customers racing for the last five
-- roses get five stems between them, never six.
--
-- Holders:
--   "u:<user_id>"   a customer's cart; expires after its ttl unless renewed
--   "o:<order_id>"  a placed order; no expiry until accepted or cancelled
--
-- API:
--   stock.reserve(holder, needs, ttl) -> true, expires_at | nil, short
--       needs = {[product_id] = delta} (a negative delta gives back; never
--       below zero). All or nothing. short = {product_id =, left =} (units
--       of that product still free), short.all = {[product_id] = left} for
--       every product that fell short. ttl seconds (nil/0: no expiry);
--       renews every reservation of the holder. expires_at: epoch ms, or
--       nil for no expiry.
--   stock.release(holder)                     gives back all the holder holds
--   stock.touch(holder, ttl) -> expires_at | nil   nil: held nothing / expired
--   stock.convert(from, to) -> moved | nil, "expired"
--       moves every reservation of `from` to `to`, without expiry
--       (checkout -> order). moved = {[product_id] = n}.
--   stock.held(holder) -> {[product_id] = n}
--   stock.available(product_id) -> n        on_hand - reserved, at least 0
--   stock.reserved(product_id) -> n         units holders reserve now
--   stock.written_off(order_id, on_hand_by_product)
--   stock.returned(order_id, on_hand_by_product)
--       after the florist's acceptance (or a cancellation's return) was
--       committed in PostgreSQL: sets the mirror of on_hand to the values
--       PostgreSQL returned and drops holder "o:<id>", in one script.
--   stock.mirror(on_hand_by_product)          sets mirror values (stock edits)
--   stock.guard(product_id, new_on_hand, lowering) -> true, reserved | nil, reserved
--       a stock operation about to set on_hand (its row locked in
--       PostgreSQL, not yet committed): when `lowering`, refuses if
--       new_on_hand < what holders reserve now; otherwise sets the mirror to
--       new_on_hand at once, so no cart can reserve what is about to go.
--       Called inside the transaction; should it roll back, stock.forget.
--   stock.forget(product_ids)                 drops mirror values: reloaded next use
--   stock.parts(product) -> {[product_id] = n}   what one unit consumes: a
--       composition its composition_items, anything else itself (product
--       is a catalog row or an id)
--
-- Redis keys:
--   stock:on_hand          hash  product_id -> units on hand (mirror of PG)
--   stock:reserved         hash  product_id -> units held, all holders
--   stock:exp:<pid>        zset  holder -> expiry (epoch ms; +inf: none)
--   stock:n:<pid>          hash  holder -> units of pid it holds
--   stock:holder:<holder>  hash  pid -> units, and "_exp" -> expiry ms or
--                                "inf"; the key itself expires GRACE after
--                                the holder (garbage collection only)
--
-- Expiry is exact without keyspace events: every script first drops the
-- holders of the products it touches whose expiry (the zset's score) is
-- not after Redis's own clock (TIME), giving their units back, before it
-- counts. So anyone asking after the ttl sees the stock back, even if no
-- one has looked since. A holder's own key may outlive it by GRACE: its
-- "_exp" says it is over, and the scripts treat it so.
--
-- The mirror: the scripts need on_hand in Redis. A missing field is loaded
-- from PostgreSQL before the script runs (HSETNX, so a load that read an
-- older value can never overwrite a newer one set by written_off), and the
-- script is asked again. A product without a stock row has 0 on hand.
-- Whatever changes on_hand in PostgreSQL must tell the mirror (written_off,
-- returned, mirror, forget).
--
-- The scripts reach keys built from product ids and holder names inside
-- Redis (not all passed as KEYS): fine on the one Redis this shop runs,
-- not on a Redis Cluster.
local redis = require "redis"
local pg = require "pg"
local timer = require "timer"
local log = require "log"

local M = {}

local GRACE_MS = 60000   -- a holder's key outlives its expiry this long, for the scripts to see "_exp"
local RECIPE_TTL = 5     -- seconds a copy of composition_items is trusted (like the catalog)

-- {======================================================================
-- The scripts (run inside Redis)
-- =======================================================================

-- Shared by every script: the clock, and dropping expired holders.
local PRELUDE = [[
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function num(v) return tonumber(v) or 0 end

-- Forget holder h's units of product p (gives them back).
local function drop(p, h)
  local n = num(redis.call('HGET', 'stock:n:' .. p, h))
  redis.call('HDEL', 'stock:n:' .. p, h)
  redis.call('ZREM', 'stock:exp:' .. p, h)
  if n ~= 0 then redis.call('HINCRBY', 'stock:reserved', p, -n) end
  local hk = 'stock:holder:' .. h
  redis.call('HDEL', hk, p)
  -- nothing left but "_exp": the holder holds nothing
  if redis.call('HLEN', hk) == 1 and redis.call('HEXISTS', hk, '_exp') == 1 then redis.call('DEL', hk) end
end

-- Drop the holders of product p whose time is up.
local function sweep(p, now)
  local gone = redis.call('ZRANGEBYSCORE', 'stock:exp:' .. p, '-inf', now)
  for _, h in ipairs(gone) do drop(p, h) end
end

-- The products holder h holds: { pid, ... } (the hash minus "_exp").
local function products_of(h)
  local all = redis.call('HKEYS', 'stock:holder:' .. h)
  local out = {}
  for _, f in ipairs(all) do if f ~= '_exp' then out[#out + 1] = f end end
  return out
end

-- Is holder h past its expiry? Then drop all it holds; true.
local function expire_if_over(h, now)
  local exp = redis.call('HGET', 'stock:holder:' .. h, '_exp')
  if not exp or exp == 'inf' or tonumber(exp) > now then return false end
  for _, p in ipairs(products_of(h)) do drop(p, h) end
  redis.call('DEL', 'stock:holder:' .. h)
  return true
end

-- Give holder h a new expiry on all it holds (ttl_ms 0: none). Returns
-- the expiry (ms) or -1 for none; deletes the holder's key when it holds
-- nothing.
local function renew(h, now, ttl_ms, grace)
  local hk = 'stock:holder:' .. h
  local ps = products_of(h)
  if #ps == 0 then redis.call('DEL', hk); return -1 end
  local exp, score = -1, '+inf'
  if ttl_ms > 0 then exp = now + ttl_ms; score = exp end
  for _, p in ipairs(ps) do redis.call('ZADD', 'stock:exp:' .. p, score, h) end
  if exp > 0 then
    redis.call('HSET', hk, '_exp', exp)
    redis.call('PEXPIREAT', hk, exp + grace)
  else
    redis.call('HSET', hk, '_exp', 'inf')
    redis.call('PERSIST', hk)
  end
  return exp
end

local function free_of(p)
  return num(redis.call('HGET', 'stock:on_hand', p)) - num(redis.call('HGET', 'stock:reserved', p))
end
]]

-- ARGV: holder, ttl_ms, grace_ms, then pid, delta pairs.
-- -> {"ok", expires_ms|-1} | {"missing", pid...} | {"short", pid, left, ...}
local RESERVE = redis.script(PRELUDE .. [[
local h, ttl, grace = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local missing = {}
for i = 4, #ARGV, 2 do
  if redis.call('HEXISTS', 'stock:on_hand', ARGV[i]) == 0 then missing[#missing + 1] = ARGV[i] end
end
if #missing > 0 then return { 'missing', unpack(missing) } end

local now = now_ms()
expire_if_over(h, now)

-- First check everything, then change anything: all or nothing.
local plan, short = {}, {}
for i = 4, #ARGV, 2 do
  local p, delta = ARGV[i], tonumber(ARGV[i + 1])
  sweep(p, now)
  local cur = num(redis.call('HGET', 'stock:n:' .. p, h))
  local want = cur + delta
  if want < 0 then want = 0 end
  local more = want - cur
  if more > 0 then
    local free = free_of(p)
    if free < more then
      if free < 0 then free = 0 end
      short[#short + 1] = p
      short[#short + 1] = free
    end
  end
  plan[#plan + 1] = { p, cur, want }
end
if #short > 0 then return { 'short', unpack(short) } end

local hk = 'stock:holder:' .. h
for _, x in ipairs(plan) do
  local p, cur, want = x[1], x[2], x[3]
  if want ~= cur then
    if want == 0 then
      drop(p, h)
    else
      redis.call('HSET', 'stock:n:' .. p, h, want)
      redis.call('HSET', hk, p, want)
      redis.call('HINCRBY', 'stock:reserved', p, want - cur)
    end
  end
end
return { 'ok', renew(h, now, ttl, grace) }
]])

-- ARGV: holder.
local RELEASE = redis.script(PRELUDE .. [[
local h = ARGV[1]
for _, p in ipairs(products_of(h)) do drop(p, h) end
redis.call('DEL', 'stock:holder:' .. h)
return 1
]])

-- ARGV: holder, ttl_ms, grace_ms. -> expires_ms | -1 (none) | 0 (expired or empty)
local TOUCH = redis.script(PRELUDE .. [[
local h, ttl, grace = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local now = now_ms()
if expire_if_over(h, now) then return 0 end
if #products_of(h) == 0 then return 0 end
return renew(h, now, ttl, grace)
]])

-- ARGV: from, to. -> {"expired"} | {"ok", pid, n, ...}
local CONVERT = redis.script(PRELUDE .. [[
local from, to = ARGV[1], ARGV[2]
local now = now_ms()
if expire_if_over(from, now) then return { 'expired' } end
local moved = { 'ok' }
local tk = 'stock:holder:' .. to
for _, p in ipairs(products_of(from)) do
  local n = num(redis.call('HGET', 'stock:n:' .. p, from))
  redis.call('HDEL', 'stock:n:' .. p, from)
  redis.call('ZREM', 'stock:exp:' .. p, from)
  if n > 0 then
    redis.call('HINCRBY', 'stock:n:' .. p, to, n)
    redis.call('HINCRBY', tk, p, n)
    moved[#moved + 1] = p
    moved[#moved + 1] = n
  end
end
redis.call('DEL', 'stock:holder:' .. from)
renew(to, now, 0, 0)
return moved
]])

-- ARGV: holder. -> {pid, n, ...} ({} when expired)
local HELD = redis.script(PRELUDE .. [[
local h = ARGV[1]
local now = now_ms()
if expire_if_over(h, now) then return {} end
local out = {}
for _, p in ipairs(products_of(h)) do
  out[#out + 1] = p
  out[#out + 1] = num(redis.call('HGET', 'stock:n:' .. p, h))
end
return out
]])

-- ARGV: pid. -> {"missing"} | {"ok", free}
local AVAILABLE = redis.script(PRELUDE .. [[
local p = ARGV[1]
if redis.call('HEXISTS', 'stock:on_hand', p) == 0 then return { 'missing' } end
sweep(p, now_ms())
return { 'ok', free_of(p) }
]])

-- ARGV: holder, then pid, on_hand pairs: set the mirror, drop the holder.
local SETTLE = redis.script(PRELUDE .. [[
local h = ARGV[1]
for i = 2, #ARGV, 2 do redis.call('HSET', 'stock:on_hand', ARGV[i], ARGV[i + 1]) end
if h ~= '' then
  for _, p in ipairs(products_of(h)) do drop(p, h) end
  redis.call('DEL', 'stock:holder:' .. h)
end
return 1
]])

-- ARGV: pid. -> units reserved (expired holders dropped first)
local RESERVED = redis.script(PRELUDE .. [[
sweep(ARGV[1], now_ms())
return num(redis.call('HGET', 'stock:reserved', ARGV[1]))
]])

-- ARGV: pid, new on_hand, lowering (1/0). -> {"ok", reserved} | {"short", reserved}
local GUARD = redis.script(PRELUDE .. [[
local p, n, lowering = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1'
sweep(p, now_ms())
local reserved = num(redis.call('HGET', 'stock:reserved', p))
if lowering and n < reserved then return { 'short', reserved } end
redis.call('HSET', 'stock:on_hand', p, n)
return { 'ok', reserved }
]])

-- {======================================================================
-- Calling them
-- =======================================================================

local function must(res, err, code)
  if res == nil then error(("stock: redis: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return res
end

-- Loads on_hand of `ids` (strings) from PostgreSQL into the mirror, where
-- the mirror has no value yet.
local function load_mirror(ids)
  local nums = {}
  for i, id in ipairs(ids) do nums[i] = math.tointeger(tonumber(id)) end
  local rows, err, code = pg.query("SELECT product_id, on_hand FROM stock WHERE product_id = ANY($1::bigint[])",
    pg.array(nums))
  if not rows then error(("stock: loading on_hand: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  local have = {}
  for _, r in ipairs(rows) do have[r.product_id] = r.on_hand end
  local cmds = {}
  for _, id in ipairs(nums) do cmds[#cmds + 1] = { "HSETNX", "stock:on_hand", id, have[id] or 0 } end
  must(redis.pipeline(cmds))
end

local function ttl_ms(ttl)
  ttl = tonumber(ttl) or 0
  if ttl <= 0 then return 0 end
  return math.max(1, math.floor(ttl * 1000 + 0.5))
end

local function expiry(ms)
  if ms == nil or ms < 0 then return nil end
  return ms
end

function M.reserve(holder, needs, ttl)
  assert(type(holder) == "string" and holder ~= "", "stock.reserve: holder")
  local args = { holder, ttl_ms(ttl), GRACE_MS }
  for id, delta in pairs(needs or {}) do
    local pid, d = math.tointeger(tonumber(id)), math.tointeger(delta)
    assert(pid and d, "stock.reserve: needs must map product ids to integers")
    if d ~= 0 then args[#args + 1] = pid; args[#args + 1] = d end
  end
  for _ = 1, 3 do
    local res = must(RESERVE:eval({}, args))
    if res[1] == "ok" then return true, expiry(res[2]) end
    if res[1] == "short" then
      local all, first = {}, nil
      for i = 2, #res, 2 do
        local pid, left = math.tointeger(tonumber(res[i])), res[i + 1]
        all[pid] = left
        first = first or { product_id = pid, left = left }
      end
      first.all = all
      return nil, first
    end
    local missing = {}
    for i = 2, #res do missing[#missing + 1] = res[i] end
    load_mirror(missing)
  end
  error("stock: on_hand mirror would not load")
end

function M.release(holder)
  must(RELEASE:eval({}, { holder }))
  return true
end

function M.touch(holder, ttl)
  local res = must(TOUCH:eval({}, { holder, ttl_ms(ttl), GRACE_MS }))
  if res == 0 then return nil end
  return res > 0 and res or math.huge
end

function M.convert(from, to)
  local res = must(CONVERT:eval({}, { from, to }))
  if res[1] == "expired" then return nil, "expired" end
  local moved = {}
  for i = 2, #res, 2 do moved[math.tointeger(tonumber(res[i]))] = res[i + 1] end
  return moved
end

function M.held(holder)
  local res = must(HELD:eval({}, { holder }))
  local held = {}
  for i = 1, #res, 2 do held[math.tointeger(tonumber(res[i]))] = res[i + 1] end
  return held
end

function M.available(product_id)
  local pid = assert(math.tointeger(tonumber(product_id)), "stock.available: product id")
  for _ = 1, 2 do
    local res = must(AVAILABLE:eval({}, { pid }))
    if res[1] == "ok" then return math.max(0, res[2]) end
    load_mirror({ tostring(pid) })
  end
  error("stock: on_hand mirror would not load")
end

local function settle(holder, on_hand)
  local args = { holder }
  for id, n in pairs(on_hand or {}) do
    args[#args + 1] = assert(math.tointeger(tonumber(id)), "stock: product id")
    args[#args + 1] = assert(math.tointeger(n), "stock: on_hand must be an integer")
  end
  must(SETTLE:eval({}, args))
  return true
end

function M.written_off(order_id, on_hand_by_product)
  return settle("o:" .. assert(math.tointeger(tonumber(order_id))), on_hand_by_product)
end

function M.returned(order_id, on_hand_by_product)
  return settle("o:" .. assert(math.tointeger(tonumber(order_id))), on_hand_by_product)
end

function M.mirror(on_hand_by_product) return settle("", on_hand_by_product) end

function M.reserved(product_id)
  local pid = assert(math.tointeger(tonumber(product_id)), "stock.reserved: product id")
  return must(RESERVED:eval({}, { pid }))
end

function M.guard(product_id, new_on_hand, lowering)
  local pid = assert(math.tointeger(tonumber(product_id)), "stock.guard: product id")
  local n = assert(math.tointeger(new_on_hand), "stock.guard: on_hand must be an integer")
  local res = must(GUARD:eval({}, { pid, n, lowering and 1 or 0 }))
  if res[1] == "ok" then return true, res[2] end
  return nil, res[2]
end

function M.forget(product_ids)
  local cmds = {}
  for _, id in ipairs(product_ids) do cmds[#cmds + 1] = { "HDEL", "stock:on_hand", id } end
  if #cmds > 0 then must(redis.pipeline(cmds)) end
  return true
end

-- {======================================================================
-- What a product consumes
-- =======================================================================

-- composition_items, held like the catalog: one query, refreshed when
-- older than RECIPE_TTL. recipes[composition_id] = {[component_id] = n}.
local recipes, loaded_at, loading = nil, -math.huge, false

local function load_recipes()
  local rows, err, code = pg.query("SELECT composition_id, component_id, count FROM composition_items")
  if not rows then error(("stock: composition_items: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  local r = {}
  for _, row in ipairs(rows) do
    local items = r[row.composition_id]
    if not items then items = {}; r[row.composition_id] = items end
    items[row.component_id] = (items[row.component_id] or 0) + row.count
  end
  return r
end

local function current_recipes()
  local now = timer.monotonic()
  if recipes and now - loaded_at < RECIPE_TTL then return recipes end
  if loading and recipes then return recipes end
  loading = true
  local ok, res = pcall(load_recipes)
  loading = false
  if ok then
    recipes, loaded_at = res, now
  elseif recipes then
    log.warn("composition_items refresh failed, using the previous copy", { err = tostring(res) })
    loaded_at = now
  else
    error(res, 0)
  end
  return recipes
end

-- Forget the copy (specs that change composition_items).
function M.invalidate() loaded_at = -math.huge end

function M.parts(product)
  local id = type(product) == "table" and product.id or product
  id = assert(math.tointeger(tonumber(id)), "stock.parts: product id")
  local items = current_recipes()[id]
  local out = {}
  if items and next(items) then
    for c, n in pairs(items) do out[c] = n end
  else
    out[id] = 1
  end
  return out
end

return M
