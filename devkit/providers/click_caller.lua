-- devkit/providers/click_caller.lua — plays Click's SHOP API against our
-- endpoints over real HTTP: form-encoded Prepare and Complete, signed as
-- Click signs them (payments.md 2.3: MD5 over the exact strings sent). A
-- development tool for specs, benchmarks and the simulator; not product
-- code.
--
--   local Click = require "devkit.providers.click_caller"
--   local ck = Click.new { url = "http://127.0.0.1:8080/payments/click", service_id = "123", secret = "S" }
--   local a = ck:prepare { merchant_trans_id = "42", amount = "50000.00" }
--   local b = ck:complete { merchant_trans_id = "42", amount = "50000.00",
--                           click_trans_id = a.click_trans_id, merchant_prepare_id = a.merchant_prepare_id }
--   local done = assert(ck:pay(42, "50000.00"))
local http = require "http"
local json = require "json"
local crypto = require "crypto"

local M = {}
local Caller = {}
Caller.__index = Caller

-- opts: url (the base: /prepare and /complete are added), service_id,
-- secret, timeout (seconds, 10).
function M.new(opts)
  return setmetatable({ url = assert(opts.url, "url"), service_id = tostring(assert(opts.service_id)),
                        secret = opts.secret, timeout = opts.timeout or 10 }, Caller)
end

local seq = 0

-- A fresh click_trans_id (Click's are 64-bit numbers).
function M.new_trans_id()
  seq = seq + 1
  return tostring(1000000000 + (string.unpack("<I4", crypto.random_bytes(4)) % 1000000000)) .. seq
end

local function encode(s)
  return (tostring(s):gsub("[^%w%-%._~]", function(c) return ("%%%02X"):format(c:byte()) end))
end

-- Click's signature of form `f` with `secret` (complete: Complete's,
-- which includes merchant_prepare_id).
function M.sign(f, secret, complete)
  return crypto.hex(crypto.md5(f.click_trans_id .. f.service_id .. secret .. f.merchant_trans_id
    .. (complete and f.merchant_prepare_id or "") .. f.amount .. f.action .. f.sign_time))
end

-- The form of one call: fields given win over Click's defaults; sign =
-- a string replaces the signature, sign = false signs with `secret_as`
-- (a wrong key). omit = { field, ... } leaves fields out.
function Caller:form(action, t)
  local f = {
    click_trans_id = t.click_trans_id and tostring(t.click_trans_id) or M.new_trans_id(),
    service_id = t.service_id or self.service_id,
    click_paydoc_id = t.click_paydoc_id or tostring(math.random(100000000, 999999999)),
    merchant_trans_id = tostring(t.merchant_trans_id),
    amount = tostring(t.amount),
    action = t.action or action,
    error = tostring(t.error or 0),
    error_note = t.error_note or (tonumber(t.error or 0) < 0 and "Payment failed" or "Success"),
    sign_time = t.sign_time or os.date("!%Y-%m-%d %H:%M:%S"),
  }
  if action == "1" then f.merchant_prepare_id = tostring(t.merchant_prepare_id) end
  f.sign_string = type(t.sign) == "string" and t.sign or M.sign(f, t.secret_as or self.secret, action == "1")
  for _, k in ipairs(t.omit or {}) do f[k] = nil end
  return f
end

function Caller:send(path, f)
  local parts = {}
  for k, v in pairs(f) do parts[#parts + 1] = encode(k) .. "=" .. encode(v) end
  table.sort(parts)
  local res, err = http.request { method = "POST", url = self.url .. path, timeout = self.timeout,
    headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }, body = table.concat(parts, "&") }
  if not res then return nil, err end
  return json.decode(res.body), res, f
end

-- Returns the decoded answer, the HTTP response and the form sent.
function Caller:prepare(t) return self:send("/prepare", self:form("0", t)) end
function Caller:complete(t) return self:send("/complete", self:form("1", t)) end

-- Prepare, then Complete with error 0, as a successful payment goes.
-- Returns { click_trans_id =, prepare = answer, complete = answer }, or
-- nil and the answer that refused.
function Caller:pay(order_id, amount)
  local trans = M.new_trans_id()
  local a = self:prepare { click_trans_id = trans, merchant_trans_id = order_id, amount = amount }
  if not (a and a.error == 0) then return nil, a end
  local b = self:complete { click_trans_id = trans, merchant_trans_id = order_id, amount = amount,
                            merchant_prepare_id = a.merchant_prepare_id }
  if not (b and b.error == 0) then return nil, b end
  return { click_trans_id = trans, prepare = a, complete = b }
end

return M
