-- devkit/providers/checkout_link.lua — a pay button's link read as the
-- provider's checkout page reads it (payments.md 1.9 and 2.8): Payme's
-- base64 of `m=..;ac.order_id=..;a=..[;l=..][;c=..]` after the checkout
-- base, or Click's query string. Used by the specs and the chat
-- simulator's pay page.
--
--   local link = require("devkit.providers.checkout_link").read(url)
--   -- { provider = "payme", order_id =, amount = tiyin, merchant =, lang = }
--   -- { provider = "click", order_id =, amount = "N.NN" (so'm, as sent), merchant =, service = }
local crypto = require "crypto"

local M = {}

local function unescape(s)
  return (s:gsub("%+", " "):gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

function M.read(url)
  if type(url) ~= "string" then return nil end
  local query = url:match("%?(.*)$")
  if query then
    local f = {}
    for k, v in query:gmatch("([^=&]+)=([^&]*)") do f[unescape(k)] = unescape(v) end
    if not f.transaction_param then return nil end
    return { provider = "click", order_id = math.tointeger(tonumber(f.transaction_param)), amount = f.amount,
             merchant = f.merchant_id, service = f.service_id }
  end
  -- the base64 may hold "/": try each tail after a "/" of the path
  local path_start = url:find("/", (url:find("://", 1, true) or -2) + 3, true)
  local pos = path_start
  while pos do
    local plain = crypto.base64_decode(url:sub(pos + 1))
    if plain and plain:match("^m=") then
      local f = {}
      for k, v in plain:gmatch("([^=;]+)=([^;]*)") do f[k] = v end
      return { provider = "payme", order_id = math.tointeger(tonumber(f["ac.order_id"])),
               amount = math.tointeger(tonumber(f.a)), merchant = f.m, lang = f.l }
    end
    pos = url:find("/", pos + 1, true)
  end
  return nil
end

return M
