-- scripts/shop/payments/links.lua — which providers an order may be paid
-- with, and the link the customer's pay button opens (payments.md 1.9 and
-- 2.8). A provider whose variables are unset is not offered; neither is
-- online payment for an order with a product no fiscal receipt can name.
local config = require "config"
local crypto = require "crypto"
local store = require "shop.payments.store"
local fiscal = require "shop.payments.fiscal"

local M = {}

M.PROVIDERS = { "payme", "click" }

-- Click's payment page (one address for every merchant: not a setting).
M.CLICK_PAY_URL = "https://my.click.uz/services/pay"

function M.enabled(provider)
  if provider == "payme" then return config.payme_merchant_id ~= nil and config.payme_key ~= nil end
  if provider == "click" then
    return config.click_service_id ~= nil and config.click_merchant_id ~= nil and config.click_secret_key ~= nil
  end
  return false
end

-- The providers to offer for `order` (a row with `id`; or { product_ids =
-- } for a cart not yet placed; or nil for "any order"): { "payme",
-- "click" } as configured, or {} and why ("no_fiscal_code": a product
-- lacks its codes; for a placed order the owner is told which).
function M.offer(order)
  local list = {}
  for _, p in ipairs(M.PROVIDERS) do
    if M.enabled(p) then list[#list + 1] = p end
  end
  if list[1] and order and order.product_ids then
    if fiscal.missing(fiscal.products(order.product_ids))[1] then return {}, "no_fiscal_code" end
  elseif list[1] and order and order.id then
    local missing = fiscal.missing(fiscal.lines(store.pg, order.id))
    if missing[1] then
      fiscal.announce(order.id, missing)
      return {}, "no_fiscal_code"
    end
  end
  return list
end

local function urlencode(s)
  return (tostring(s):gsub("[^%w%-%._~]", function(c) return ("%%%02X"):format(c:byte()) end))
end

-- Tiyin as Click writes so'm: 5000000 -> "50000.00".
function M.som(tiyin) return ("%d.%02d"):format(tiyin // 100, tiyin % 100) end

-- The checkout link of `provider` for `order` ({id, total} tiyin); opts.lang
-- ("ru" | "uz" | "en"), opts.return_url. nil, why when it cannot be made.
function M.link(provider, order, opts)
  opts = opts or {}
  if not M.enabled(provider) then return nil, "disabled" end
  if provider == "payme" then
    local parts = { "m=" .. config.payme_merchant_id, "ac.order_id=" .. order.id, "a=" .. order.total }
    if opts.lang then parts[#parts + 1] = "l=" .. opts.lang end
    if opts.return_url then parts[#parts + 1] = "c=" .. opts.return_url end
    for _, v in ipairs(parts) do
      if v:find(";", 1, true) then return nil, "semicolon" end   -- the pairs' separator
    end
    local base = (config.payme_checkout_url or "https://checkout.paycom.uz"):gsub("/+$", "")
    return base .. "/" .. crypto.base64_encode(table.concat(parts, ";"))
  end
  local url = ("%s?service_id=%s&merchant_id=%s&amount=%s&transaction_param=%s"):format(M.CLICK_PAY_URL,
    urlencode(config.click_service_id), urlencode(config.click_merchant_id), M.som(order.total), order.id)
  if opts.return_url then url = url .. "&return_url=" .. urlencode(opts.return_url) end
  return url
end

return M
