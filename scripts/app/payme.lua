-- scripts/app/payme.lua — POST /payments/payme: Payme's Merchant API
-- (JSON-RPC, payments.md §1). Parses, authenticates, shapes the params and
-- calls shop.payments.payme; always HTTP 200, errors in the JSON-RPC body.
--
-- Order of the checks: POST (-32300), JSON (-32700), Basic authentication
-- over the whole "Paycom:KEY" string, compared in constant time (-32504:
-- nothing touched), the envelope (-32600), the method (-32601 with its
-- name), each method's params (-32600). A refused account names the field
-- in `data` ("order_id") and says why in ru, uz and en.
local json = require "json"
local crypto = require "crypto"
local i18n = require "i18n"
local templates = require "templates"
local payments = require "shop.payments"
local provider_call = require "app.provider_call"

local M = {}

local LOGIN = "Paycom"

-- Our account error codes (Payme leaves -31050..-31099 to the merchant).
M.ACCOUNT = { not_found = -31050, being_paid = -31051, not_payable = -31052, no_fiscal_code = -31053 }
M.CODES = { amount = -31001, tx_not_found = -31003, delivered = -31007, state = -31008, internal = -32400 }
local MESSAGE_KEY = { amount = "error.amount", tx_not_found = "error.transaction",
                      delivered = "error.delivered", state = "error.state" }

-- Protocol errors Payme reads, not the payer: plain words.
local SYSTEM = {
  [-32300] = "Method must be POST", [-32700] = "Parse error", [-32600] = "Invalid request",
  [-32601] = "Method not found", [-32504] = "Insufficient privileges", [-32400] = "System error",
}

-- A payments.* template in ru, uz and en.
local function localized(key)
  local en = templates["en.payments"]
  for part in key:gmatch("[^.]+") do en = en and en[part] end
  return { ru = i18n.str(i18n.t("ru", "payments." .. key)), uz = i18n.str(i18n.t("uz", "payments." .. key)),
           en = en }
end

local function fail(call, id, code, message, data)
  call.error = code
  return { error = { code = code, message = message or SYSTEM[code], data = data }, id = id }
end

-- {======================================================================
-- Params
-- =======================================================================

local function int(v) return math.type(v) == "integer" end
local function str(v) return type(v) == "string" and v ~= "" and #v <= 64 end
local function num(v) return type(v) == "number" end

-- Per method: a check of its params, and the domain function.
local METHODS = {
  CheckPerformTransaction = { function(p) return num(p.amount) and type(p.account) == "table" end,
                              payments.payme.check_perform },
  CreateTransaction = { function(p) return str(p.id) and int(p.time) and num(p.amount)
                                       and type(p.account) == "table" end, payments.payme.create },
  PerformTransaction = { function(p) return str(p.id) end, payments.payme.perform },
  CancelTransaction = { function(p) return str(p.id) and int(p.reason) end, payments.payme.cancel },
  CheckTransaction = { function(p) return str(p.id) end, payments.payme.check },
  GetStatement = { function(p) return int(p.from) and int(p.to) end, payments.payme.statement },
  SetFiscalData = { function(p) return str(p.id) end, function() return { success = true } end },
}

-- ChangePassword: the new key is persisted before we say so; the same
-- key again is -32504, as Payme's template does.
local function change_password(call, id, p)
  if type(p.password) ~= "string" or p.password == "" then
    return fail(call, id, M.ACCOUNT.not_found, localized("account.password"), "password")
  end
  local ok, why = payments.change_payme_key(p.password)
  if ok then return { result = { success = true }, id = id } end
  return fail(call, id, why == "same" and -32504 or -32400)
end

-- {======================================================================
-- The call
-- =======================================================================

local function authentic(req, key)
  local b64 = (req.headers.authorization or ""):match("^%s*[Bb]asic%s+(%S+)%s*$")
  local pair = b64 and crypto.base64_decode(b64)
  return pair ~= nil and crypto.equals(pair, LOGIN .. ":" .. key)
end

local function answer(req, call)
  if req.method ~= "POST" then return fail(call, json.null, -32300) end
  local body = json.decode(req.body or "")
  if type(body) ~= "table" then return fail(call, json.null, -32700) end
  local id = body.id
  if id == nil then id = json.null end
  if type(body.method) == "string" then call.method = body.method:sub(1, 64) end
  local p = body.params
  if type(p) == "table" then
    if type(p.id) == "string" then call.tx_id = p.id:sub(1, 64) end
    if type(p.account) == "table" then call.order_id = p.account.order_id end
  end

  local key, why = payments.payme_key()
  if not key then return fail(call, id, why == "db" and -32400 or -32504) end
  if not authentic(req, key) then return fail(call, id, -32504) end
  call.authentic = true

  if type(body.method) ~= "string" or type(p) ~= "table" then return fail(call, id, -32600) end
  if body.method == "ChangePassword" then return change_password(call, id, p) end
  local m = METHODS[body.method]
  if not m then return fail(call, id, -32601, nil, body.method) end
  if not m[1](p) then return fail(call, id, -32600) end

  -- the whole request rides along (stored with the transaction)
  local result, kind, reason = m[2](setmetatable({ raw = body }, { __index = p }))
  if result then return { result = result, id = id } end
  if kind == "account" then return fail(call, id, M.ACCOUNT[reason], localized("account." .. reason), "order_id") end
  local code = M.CODES[kind] or -32400
  return fail(call, id, code, MESSAGE_KEY[kind] and localized(MESSAGE_KEY[kind]) or nil)
end

-- An empty statement must be a JSON array, which an empty Lua table is not.
local function handle(req, call)
  local a = answer(req, call)
  if a.result and a.result.transactions and not a.result.transactions[1] then
    return a, '{"result":{"transactions":[]},"id":' .. json.encode(a.id) .. '}'
  end
  return a
end

M.handle = provider_call.route("payme", handle)

function M.install(http)
  if not payments.enabled("payme") then return end
  http.route("*", "/payments/payme", M.handle)
end

return M
