-- scripts/app/click.lua — POST /payments/click/prepare and
-- /payments/click/complete: Click's SHOP API (payments.md §2). The body is
-- a form; the answer is JSON with an integer `error`, always HTTP 200.
--
-- Checked in the reference's order: the fields (-8), the signature — MD5
-- over the exact concatenation of the strings as received, compared in
-- constant time, and our service_id (-1: nothing touched) — the action
-- (-3); the rest is shop.payments.click's.
local crypto = require "crypto"
local config = require "config"
local payments = require "shop.payments"
local provider_call = require "app.provider_call"

local M = {}

-- Click's own words for its codes (protocol values, read by Click).
M.NOTES = {
  [0] = "Success", [-1] = "SIGN CHECK FAILED!", [-2] = "Incorrect parameter amount",
  [-3] = "Action not found", [-4] = "Already paid", [-5] = "User does not exist",
  [-6] = "Transaction does not exist", [-7] = "Failed to update user",
  [-8] = "Error in request from click", [-9] = "Transaction cancelled",
}
M.CODES = { paid = -4, amount = -2, not_found = -5, tx_not_found = -6, cancelled = -9, failed = -7 }

-- application/x-www-form-urlencoded -> { name = value } (the first of a
-- repeated name wins).
local function unescape(s)
  return (s:gsub("%+", " "):gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

function M.form(body)
  local out = {}
  for pair in (body or ""):gmatch("[^&]+") do
    local k, v = pair:match("^([^=]*)=?(.*)$")
    k = unescape(k)
    if out[k] == nil then out[k] = unescape(v) end
  end
  return out
end

-- So'm as Click writes them ("500", "500.00", "33139.73") -> tiyin, or
-- nil when it is not an amount or has a fraction of a tiyin.
function M.tiyin(s)
  local whole, frac = s:match("^(%d+)%.?(%d*)$")
  if not whole or #whole > 15 then return nil end
  if frac:sub(3):find("[1-9]") then return nil end
  frac = (frac:sub(1, 2) .. "00"):sub(1, 2)
  return tonumber(whole) * 100 + tonumber(frac)
end

local DIGITS = "^%d+$"
local INTEGER = "^%-?%d+$"
local SHAPE = {
  click_trans_id = DIGITS, service_id = DIGITS, click_paydoc_id = DIGITS, merchant_trans_id = "^.+$",
  amount = "^%d+%.?%d*$", action = INTEGER, error = INTEGER, sign_time = "^.+$", sign_string = "^%x+$",
  merchant_prepare_id = DIGITS,
}
local PREPARE = { "click_trans_id", "service_id", "click_paydoc_id", "merchant_trans_id", "amount", "action",
                  "error", "sign_time", "sign_string" }
local COMPLETE = { "click_trans_id", "service_id", "click_paydoc_id", "merchant_trans_id",
                   "merchant_prepare_id", "amount", "action", "error", "sign_time", "sign_string" }

-- The signature Click computes for form `f` (complete: with merchant_prepare_id).
function M.sign(f, secret, complete)
  return crypto.hex(crypto.md5(f.click_trans_id .. f.service_id .. secret .. f.merchant_trans_id
    .. (complete and f.merchant_prepare_id or "") .. f.amount .. f.action .. f.sign_time))
end

local function big(s)
  return s and s:match(DIGITS) and #s <= 18 and math.tointeger(tonumber(s)) or s
end

local function reply(call, f, stage, code, id)
  call.error = code ~= 0 and code or nil
  local a = { click_trans_id = big(f.click_trans_id), merchant_trans_id = f.merchant_trans_id,
              error = code, error_note = M.NOTES[code] }
  a[stage == "prepare" and "merchant_prepare_id" or "merchant_confirm_id"] = id
  return a
end

local function handler(stage)
  local fields, action, complete = PREPARE, "0", false
  if stage == "complete" then fields, action, complete = COMPLETE, "1", true end
  return function(req, call)
    call.method = stage
    local f = M.form(req.body)
    call.tx_id, call.order_id = f.click_trans_id, f.merchant_trans_id
    for _, k in ipairs(fields) do
      if type(f[k]) ~= "string" or not f[k]:match(SHAPE[k]) then return reply(call, f, stage, -8) end
    end
    if not (f.service_id == config.click_service_id
            and crypto.equals(M.sign(f, config.click_secret_key, complete), f.sign_string:lower())) then
      return reply(call, f, stage, -1)
    end
    call.authentic = true
    if tonumber(f.action) ~= tonumber(action) then return reply(call, f, stage, -3) end
    local amount = M.tiyin(f.amount)
    local p = { click_trans_id = f.click_trans_id, order_ref = f.merchant_trans_id, amount = amount or -1,
                error = math.tointeger(tonumber(f.error)) or -1, raw = f,
                prepare_id = complete and math.tointeger(tonumber(f.merchant_prepare_id)) or nil }
    local res, why = payments.click[stage](p)
    if res then return reply(call, f, stage, 0, res.prepare_id or res.confirm_id) end
    return reply(call, f, stage, M.CODES[why] or -7)
  end
end

function M.install(http)
  if not payments.enabled("click") then return end
  http.route("POST", "/payments/click/prepare", provider_call.route("click", handler("prepare")))
  http.route("POST", "/payments/click/complete", provider_call.route("click", handler("complete")))
end

return M
