-- scripts/shop/reminders/repeat.lua — the one-tap repeat of a remembered
-- order: its lines into the customer's cart again, each product as it
-- was, or the nearest available when it is out of stock, out of season or
-- gone from the catalog (the same category and kind, a price within
-- rules/reminders.lua's SUBSTITUTE_PRICE_SHARE, the nearest price wins).
-- A constructor bouquet comes back as a bouquet (its stems and extras,
-- each substituted the same way; the postcard is left to write anew).
--
--   repeat_order.fill(user_id, order_id) -> { { name_of = product row,
--       count =, instead_of = product row | nil, kind = "product"|"bouquet" }, ... },
--       { missing product rows }
local pg = require "pg"
local rules = require "rules"
local catalog = require "shop.catalog"
local season = require "shop.season"
local stock = require "shop.stock"
local cart = require "shop.cart"

local M = {}

local function check(rows, err, code)
  if not rows then error(("repeat order: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

local function usable(c, p, count)
  return p and season.sellable(c, p) and stock.available(p.id) >= count
end

local ORIGINAL = "SELECT id, category_id, kind, price, name_ru, name_uz FROM products WHERE id = $1"

-- The product itself when it can be sold now, else the nearest available;
-- returns the product to add and the original when it was replaced.
local function choose(c, product_id, count)
  local p = c.products[product_id]
  if usable(c, p, count) then return p end
  local orig = p or check(pg.query(ORIGINAL, product_id))[1]
  if not orig then return nil end
  local share = rules.reminders.SUBSTITUTE_PRICE_SHARE
  local best, gap
  for _, q in ipairs(c.by_category[orig.category_id] or {}) do
    local d = math.abs(q.price - orig.price)
    if q.id ~= orig.id and q.kind == orig.kind and d <= orig.price * share
        and (not best or d < gap or (d == gap and q.id < best.id)) and usable(c, q, count) then
      best, gap = q, d
    end
  end
  return best, orig
end

local ITEMS = [[SELECT product_id, count, options FROM order_items
                 WHERE order_id = $1 AND EXISTS (SELECT 1 FROM orders o WHERE o.id = $1 AND o.customer_id = $2)
                 ORDER BY id]]

-- The order's lines as the cart holds them.
local function lines_of(user_id, order_id)
  local lines, bouquets = {}, {}
  for _, it in ipairs(check(pg.query(ITEMS, order_id, user_id))) do
    local o = it.options ~= pg.null and it.options or {}
    if o.bouquet then
      local b = bouquets[o.bouquet]
      if not b then
        b = { kind = "bouquet", occasion = o.occasion, packaging = o.packaging, ribbon = o.ribbon == true,
              stems = {}, extras = {} }
        bouquets[o.bouquet] = b
        lines[#lines + 1] = b
      end
      local list = o.what == "extra" and b.extras or b.stems
      list[#list + 1] = { product_id = it.product_id, count = it.count }
    else
      lines[#lines + 1] = { kind = "product", product_id = it.product_id, count = it.count }
    end
  end
  return lines
end

function M.fill(user_id, order_id)
  local c = catalog.get()
  local shown, missing = {}, {}
  local function pick(product_id, count)
    local p, orig = choose(c, product_id, count)
    if not p then
      missing[#missing + 1] = c.products[product_id] or check(pg.query(ORIGINAL, product_id))[1]
      return nil
    end
    return p, orig
  end
  for _, l in ipairs(lines_of(user_id, order_id)) do
    if l.kind == "product" then
      local p, orig = pick(l.product_id, l.count)
      if p and cart.add_product(user_id, p.id, l.count) then
        shown[#shown + 1] = { kind = "product", product = p, count = l.count, instead_of = orig }
      elseif p then
        missing[#missing + 1] = p
      end
    else
      local subs, ok = {}, true
      for _, list in ipairs { l.stems, l.extras } do
        for _, part in ipairs(list) do
          local p, orig = pick(part.product_id, part.count)
          if not p then ok = false break end
          if orig then subs[#subs + 1] = { kind = "bouquet", product = p, count = part.count, instead_of = orig } end
          part.product_id = p.id
        end
      end
      if ok and cart.add_bouquet(user_id, l) then
        shown[#shown + 1] = { kind = "bouquet", occasion = l.occasion, count = 1 }
        for _, s in ipairs(subs) do shown[#shown + 1] = s end
      end
    end
  end
  return shown, missing
end

return M
