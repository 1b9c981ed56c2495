-- scripts/shop/payments/fiscal.lua — the fiscal receipt Payme builds from
-- CheckPerformTransaction's `detail` (payments.md 1.8): one item per order
-- line with the product's MXIK (IKPU) and package codes, the delivery as
-- `shipping`, and Σ(price × count − discount) + shipping equal to the
-- amount charged. A product without both codes cannot be on a receipt, so
-- its order cannot be paid online; the owner is told which products.
local log = require "log"
local rules = require "rules"
local i18n = require "i18n"
local store = require "shop.payments.store"

local M = {}

local LINES = [[
  SELECT i.product_id, i.count, i.unit_price, p.code, p.name_ru, p.name_uz,
         p.mxik_code, p.package_code, p.vat_percent
    FROM order_items i JOIN products p ON p.id = i.product_id
   WHERE i.order_id = $1 ORDER BY i.id]]

-- The order's lines with their products' fiscal data (q: store.pg or a tx).
function M.lines(q, order_id)
  local rows, err, code = q:query(LINES, order_id)
  if not rows then error(("payments: %s (%s)"):format(tostring(err), tostring(code))) end
  for _, r in ipairs(rows) do store.plain(r) end
  return rows
end

local PRODUCTS = [[
  SELECT id AS product_id, code, name_ru, name_uz, mxik_code, package_code
    FROM products WHERE id = ANY($1::bigint[]) ORDER BY id]]

-- Products by id with their fiscal data, as lines (a cart before it is an
-- order: the checkout asks which payments to offer).
function M.products(ids)
  local rows, err, code = store.pg:query(PRODUCTS, require("pg").array(ids))
  if not rows then error(("payments: %s (%s)"):format(tostring(err), tostring(code))) end
  for _, r in ipairs(rows) do store.plain(r) end
  return rows
end

-- The products of `lines` that lack an MXIK or a package code, each once:
-- { {id=, code=, name_ru=, name_uz=}, ... } (empty when all are fine).
function M.missing(lines)
  local out, seen = {}, {}
  for _, l in ipairs(lines) do
    if not (l.mxik_code and l.package_code) and not seen[l.product_id] then
      seen[l.product_id] = true
      out[#out + 1] = { id = l.product_id, code = l.code, name_ru = l.name_ru, name_uz = l.name_uz }
    end
  end
  return out
end

-- Records that order `order_id` was refused online payment for the
-- products `missing`: a payment_notices row the bot shows the owner (once
-- per order) and a log line.
function M.announce(order_id, missing)
  local ok, id = pcall(store.notice, order_id, "no_fiscal_code", { products = missing })
  if not ok then log.error("payments: notice not stored", { order = order_id, err = tostring(id) })
  elseif id then require("shop.payments.owner_notices").announce(id) end
  local codes = {}
  for i, p in ipairs(missing) do codes[i] = p.code or tostring(p.id) end
  log.warn("online payment refused: products without an MXIK or package code",
    { order = order_id, products = table.concat(codes, ",") })
end

-- The receipt of order `o` (total, delivery_fee, lang) from `lines`.
-- What the lines and the delivery do not explain is a discount (promo,
-- rounding down) spread over the lines from the first, or a surcharge
-- (peak day) added to one unit of the first line, so the sum is exact.
function M.detail(o, lines)
  local lang = i18n.valid(o.lang) and o.lang or i18n.DEFAULT_LANG
  local items, sum = {}, 0
  for _, l in ipairs(lines) do
    items[#items + 1] = {
      title = lang == "uz" and l.name_uz or l.name_ru,
      price = l.unit_price, count = l.count, discount = 0,
      code = l.mxik_code, package_code = l.package_code,
      vat_percent = l.vat_percent or rules.payments.VAT_PERCENT,
    }
    sum = sum + l.unit_price * l.count
  end
  local shipping = o.delivery_fee or 0
  local gap = o.total - sum - shipping
  if gap < 0 then
    local left = -gap
    for _, it in ipairs(items) do
      local d = math.min(left, it.price * it.count)
      it.discount, left = d, left - d
    end
  elseif gap > 0 and items[1] then
    local first = items[1]
    if first.count > 1 then
      local one = {}
      for k, v in pairs(first) do one[k] = v end
      first.count, one.count = first.count - 1, 1
      table.insert(items, 2, one)
      one.price = one.price + gap
    else
      first.price = first.price + gap
    end
  end
  local detail = { receipt_type = 0, items = items }
  if shipping > 0 then
    detail.shipping = { title = i18n.str(i18n.t(lang, "payments.fiscal.shipping")), price = shipping }
  end
  return detail
end

return M
