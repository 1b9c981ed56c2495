-- scripts/shop/cart.lua — the customer's cart, in Redis, with the stock it
-- holds.
--
-- Every line of a cart holds its stock through shop/stock.lua under holder
-- "u:<user_id>": adding reserves, removing or emptying gives back at once.
-- The reservation lasts config.reservation_ttl seconds and is renewed on
-- every cart action (cart.touch); the cart key expires at the very same
-- millisecond as the reservation, so when the reservation lapses the lines
-- are gone too: a cart never shows lines whose stock is no longer held.
--
-- What the customer sees after a lapse: the cart is empty, and the cart
-- view says once that the reservation ran out and the items went back on
-- sale (cart.lapsed tells the view; a marker key, kept a week, remembers
-- that the cart had lines). A button pressed on an old cart message finds
-- no line and gets the same explanation.
--
-- A user's cart changes only from their private chat, and the tg module
-- handles one update per chat at a time, so cart operations of one user
-- never interleave; each step that must be atomic (the reservation) is
-- one Redis script.
--
-- API:
--   cart.get(user_id) -> { lines = { line, ... } }   in the order added
--     line = { id = "p12", kind = "product", product_id = 12, count = 2 }
--          | { id = "b3", kind = "bouquet", count = 1, occasion =,
--              stems = {{product_id=, count=}}, packaging = "kraft",
--              ribbon = true|false, card_text = "..."|nil,
--              extras = {{product_id=, count=}} }
--   cart.add_product(user_id, product_id, n[, opts]) -> line | nil, short | "gone" | "season", out
--     short = { product_id =, left = } in units of THAT product (for a
--     composition: how many more of it fit), short.part = stock's short
--     (the component that ran out), short.mine = units of it in the cart
--   cart.add_bouquet(user_id, bouquet[, opts]) -> line | nil, short | "gone" | "season", out
--     short as stock.reserve gives it: the stem/extra that ran out
--   cart.change(user_id, line_id, delta[, opts]) -> line | nil, short|"gone"|"expired"|"season", out
--     line.count == 0 when the change removed it
--   "season": a product of it is out of season (rules/season.lua) on
--     opts.date ("YYYY-MM-DD", default: the shop's today); out = { product =,
--     from =, to = } (shop/season.lua). Every way into the cart — a card's
--     button however old, a deep link's card, the constructor, "+" on a
--     line — comes through these three, so none gets round the season.
--   cart.remove(user_id, line_id) -> true | nil, "gone"
--   cart.clear(user_id[, { keep_stock = true }])   releases the stock at once
--     (keep_stock: after stock.convert the stock is the order's already)
--   cart.touch(user_id) -> true | false   renews; false: nothing held, or
--     the reservation lapsed (the cart is then deleted)
--   cart.lapsed(user_id) -> true once after a reservation lapsed
--   cart.needs(line) -> {[product_id] = n} what the line reserves
--   cart.resolve(line, catalog) -> the line with catalog products in place
--     of ids (for shop/quote.lua) | nil, "gone"
--
-- Redis keys:
--   cart:<user_id>       hash  line id -> line JSON; "_seq" -> last line number
--   cart:had:<user_id>   "1" while the cart has lines (kept WEEK after)
local redis = require "redis"
local json = require "json"
local log = require "log"
local engine = require "engine"
local config = require "config"
local rules = require "rules"
local stock = require "shop.stock"
local alerts = require "shop.inventory.alerts"
local season = require "shop.season"
local catalog = require "shop.catalog"

local M = {}

local WEEK = 7 * 24 * 3600

-- Seconds a cart holds its stock; a function so specs may shorten it.
function M.ttl() return config.reservation_ttl end

local function key(uid) return "cart:" .. uid end

-- stock.reserve, and when it took more of something, the alert threshold
-- of what it took checked (shop/inventory/alerts.lua) in a unit of its own:
-- the customer's answer does not wait for it, and its failure is only logged.
local function check_alerts(pids)
  local ok, err = pcall(alerts.check, pids)
  if not ok then log.warn("cart: threshold check failed", { err = tostring(err) }) end
end

local function reserve(h, needs, ttl)
  local ok, res = stock.reserve(h, needs, ttl)
  if ok then
    local more = {}
    for pid, d in pairs(needs) do if d > 0 then more[#more + 1] = pid end end
    if more[1] then engine.spawn(check_alerts, more) end
  end
  return ok, res
end
local function had_key(uid) return "cart:had:" .. uid end
local function holder(uid) return "u:" .. uid end

local function must(res, err, code)
  if res == nil then error(("cart: redis: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return res
end

-- {======================================================================
-- Lines as stored
-- =======================================================================

-- A stored line's stems or extras, checked: ids and counts integers (or
-- nil), colours one plain word.
local function ints(list)
  local out = {}
  for _, x in ipairs(list or {}) do
    -- colour: the customer's choice of a stem that comes in several (tulips),
    -- which the florist must see
    out[#out + 1] = { product_id = math.tointeger(x.product_id), count = math.tointeger(x.count),
                      colour = type(x.colour) == "string" and x.colour:match("^[a-z0-9_]+$") or nil }
  end
  return out
end

local function decode(raw)
  local l = json.decode(raw)
  if type(l) ~= "table" then return nil end
  l.count = math.tointeger(l.count) or 0
  l.seq = math.tointeger(l.seq) or 0
  if l.kind == "product" then
    l.product_id = math.tointeger(l.product_id)
  else
    l.stems, l.extras = ints(l.stems), ints(l.extras)
    if l.card_text == json.null then l.card_text = nil end
    if l.occasion == json.null then l.occasion = nil end
  end
  return l
end

local function encode(line) return assert(json.encode(line)) end

local function read_line(uid, id)
  local raw = must(redis.call("HGET", key(uid), id))
  if raw == redis.null then return nil end
  return decode(raw)
end

function M.get(user_id)
  local all = must(redis.call("HGETALL", key(user_id)))
  local lines = {}
  for i = 1, #all, 2 do
    if all[i] ~= "_seq" then
      local l = decode(all[i + 1])
      if l then lines[#lines + 1] = l end
    end
  end
  table.sort(lines, function(a, b) return a.seq < b.seq end)
  return { lines = lines }
end

-- Writes a line and sets the cart's expiry to the reservation's.
local function save(uid, line, expires_ms)
  local cmds = { { "HSET", key(uid), line.id, encode(line) } }
  if expires_ms and expires_ms ~= math.huge then cmds[#cmds + 1] = { "PEXPIREAT", key(uid), expires_ms } end
  cmds[#cmds + 1] = { "SET", had_key(uid), "1", "EX", WEEK }
  must(redis.pipeline(cmds))
end

-- {======================================================================
-- What a line holds
-- =======================================================================

local function add_parts(into, product_id, n)
  for pid, k in pairs(stock.parts(product_id)) do into[pid] = (into[pid] or 0) + k * n end
end

local function product_by_code(code)
  local p = code and catalog.get().by_code[code]
  return p
end

-- The catalog products a bouquet's options stand for (packaging "kraft"
-- is product E01 in rules/constructor.lua). nil when one is gone.
local function options(line)
  local c = rules.constructor
  local o = {}
  if line.packaging then
    local pack = c.packaging(line.packaging)
    o.packaging = pack and product_by_code(pack.product)
    if not o.packaging then return nil end
  end
  if line.ribbon then
    o.ribbon = product_by_code(c.RIBBON)
    if not o.ribbon then return nil end
  end
  if line.card_text and line.card_text ~= "" then
    o.card = product_by_code(c.CARD)
    if not o.card then return nil end
  end
  return o
end

-- What `n` of this line hold.
local function needs_of(line, n)
  local needs = {}
  if line.kind == "product" then
    add_parts(needs, line.product_id, n)
    return needs
  end
  for _, s in ipairs(line.stems or {}) do add_parts(needs, s.product_id, s.count * n) end
  for _, e in ipairs(line.extras or {}) do add_parts(needs, e.product_id, e.count * n) end
  local o = options(line)
  if not o then error("cart: a bouquet option's product is not in the catalog", 0) end
  for _, what in ipairs { "packaging", "ribbon", "card" } do
    if o[what] then add_parts(needs, o[what].id, n) end
  end
  return needs
end

function M.needs(line) return needs_of(line, line.count or 1) end

function M.resolve(line, cat)
  cat = cat or catalog.get()
  local r = { id = line.id, kind = line.kind, count = line.count }
  if line.kind == "product" then
    r.product = cat.products[line.product_id]
    if not r.product then return nil, "gone" end
    return r
  end
  r.occasion = line.occasion
  r.stems, r.extras = {}, {}
  for _, what in ipairs { "stems", "extras" } do
    for _, s in ipairs(line[what] or {}) do
      local p = cat.products[s.product_id]
      if not p then return nil, "gone" end
      table.insert(r[what], { product = p, count = s.count })
    end
  end
  local o = options(line)
  if not o then return nil, "gone" end
  if o.packaging then r.packaging = { code = line.packaging, product = o.packaging } end
  r.ribbon, r.card = o.ribbon, o.card
  return r
end

local function scaled(needs, k)
  local out = {}
  for pid, n in pairs(needs) do out[pid] = n * k end
  return out
end

-- stock's short for a product line -> how many more units of the product
-- fit (the tightest of its parts).
local function units_left(product_id, short)
  local per = stock.parts(product_id)
  local left = math.huge
  for pid, free in pairs(short.all) do
    if per[pid] then left = math.min(left, free // per[pid]) end
  end
  if left == math.huge then left = 0 end
  return left
end

-- {======================================================================
-- Renewal and lapse
-- =======================================================================

function M.touch(user_id)
  local expires = stock.touch(holder(user_id), M.ttl())
  if not expires then
    must(redis.call("DEL", key(user_id)))
    return false
  end
  if expires ~= math.huge then must(redis.call("PEXPIREAT", key(user_id), expires)) end
  return true
end

function M.lapsed(user_id)
  local res = must(redis.pipeline({
    { "EXISTS", key(user_id) },
    { "GET", had_key(user_id) },
  }))
  if res[1] == 1 or res[2] == redis.null then return false end
  must(redis.call("DEL", had_key(user_id)))
  return true
end

-- {======================================================================
-- Changing the cart
-- =======================================================================

local function next_seq(uid)
  return must(redis.call("HINCRBY", key(uid), "_seq", 1))
end

-- Lines left in the cart: when none, the cart and its holder go.
local function drop_if_empty(uid)
  if must(redis.call("HLEN", key(uid))) <= 1 then   -- "_seq" at most
    stock.release(holder(uid))
    must(redis.pipeline({ { "DEL", key(uid) }, { "DEL", had_key(uid) } }))
  end
end

function M.add_product(user_id, product_id, n, opts)
  n = math.tointeger(n) or 1
  local c = catalog.get()
  local p = c.products[product_id]
  if not p or n < 1 then return nil, "gone" end
  local in_season, out = season.sellable(c, p, opts and opts.date)
  if not in_season then return nil, "season", out end
  M.touch(user_id)
  local id = "p" .. p.id
  local line = read_line(user_id, id)
  local needs = scaled(stock.parts(p), n)
  local ok, res = reserve(holder(user_id), needs, M.ttl())
  if not ok then
    return nil, { product_id = p.id, left = units_left(p.id, res), part = res,
                  mine = line and line.count or 0 }
  end
  if line then
    line.count = line.count + n
  else
    line = { id = id, kind = "product", product_id = p.id, count = n, seq = next_seq(user_id) }
  end
  save(user_id, line, res)
  return line
end

-- bouquet: the line's fields without id (see the header); count default 1.
function M.add_bouquet(user_id, bouquet, opts)
  local line = {
    kind = "bouquet", count = math.tointeger(bouquet.count) or 1, occasion = bouquet.occasion,
    stems = ints(bouquet.stems), extras = ints(bouquet.extras),
    packaging = bouquet.packaging, ribbon = bouquet.ribbon == true,
    card_text = bouquet.card_text ~= "" and bouquet.card_text or nil,
  }
  if line.count < 1 or not M.resolve(line) then return nil, "gone" end
  local in_season, out = season.line_ok(catalog.get(), line, opts and opts.date)
  if not in_season then return nil, "season", out end
  M.touch(user_id)
  local ok, res = reserve(holder(user_id), M.needs(line), M.ttl())
  if not ok then return nil, res end
  line.seq = next_seq(user_id)
  line.id = "b" .. line.seq
  save(user_id, line, res)
  return line
end

function M.remove(user_id, line_id)
  local line = read_line(user_id, line_id)
  if not line then return nil, "gone" end
  reserve(holder(user_id), scaled(M.needs(line), -1), M.ttl())
  must(redis.call("HDEL", key(user_id), line_id))
  drop_if_empty(user_id)
  return true
end

function M.change(user_id, line_id, delta, opts)
  delta = math.tointeger(delta) or 0
  if not M.touch(user_id) then return nil, "expired" end
  local line = read_line(user_id, line_id)
  if not line then return nil, "gone" end
  local want = line.count + delta
  if want <= 0 then
    M.remove(user_id, line_id)
    line.count = 0
    return line
  end
  if delta == 0 then return line end
  if delta > 0 then
    local in_season, out = season.line_ok(catalog.get(), line, opts and opts.date)
    if not in_season then return nil, "season", out end
  end
  local ok, res = reserve(holder(user_id), needs_of(line, delta), M.ttl())
  if not ok then
    if line.kind == "product" then
      return nil, { product_id = line.product_id, left = units_left(line.product_id, res), part = res,
                    mine = line.count }
    end
    return nil, res
  end
  line.count = want
  save(user_id, line, res)
  return line
end

function M.clear(user_id, opts)
  if not (opts and opts.keep_stock) then stock.release(holder(user_id)) end
  must(redis.pipeline({ { "DEL", key(user_id) }, { "DEL", had_key(user_id) } }))
  return true
end

return M
