-- devkit/providers/payme_caller.lua — plays Payme against our endpoint
-- over real HTTP: authenticated JSON-RPC as Payme's servers send it
-- (payments.md §1), with its habits — each Create, Perform and Cancel sent
-- twice (the second answer must equal the first), and the cancel with
-- reason 4 Payme sends when a transaction times out. A development tool
-- for specs, benchmarks and the simulator; not product code.
--
--   local Payme = require "devkit.providers.payme_caller"
--   local pm = Payme.new { url = "http://127.0.0.1:8080/payments/payme", key = "KEY" }
--   local a = pm:call("CheckPerformTransaction", { amount = 5000000, account = { order_id = "42" } })
--   local paid = assert(pm:pay(42, 5000000))      -- check, create x2, perform x2
--   pm:timeout_cancel(paid.id); pm:refund(paid.id)
local http = require "http"
local json = require "json"
local crypto = require "crypto"
local timer = require "timer"

local M = {}
local Caller = {}
Caller.__index = Caller

-- opts: url (the endpoint), key, login ("Paycom"), timeout (seconds, 10).
function M.new(opts)
  return setmetatable({ url = assert(opts.url, "url"), key = opts.key, login = opts.login or "Paycom",
                        timeout = opts.timeout or 10, seq = 0 }, Caller)
end

-- A Payme transaction id: 24 hex characters.
function M.new_id() return crypto.hex(crypto.random_bytes(12)) end

function M.now_ms() return math.floor(timer.now() * 1000) end

-- Sends one call. opts: key (another key), auth (a whole Authorization
-- header, or false for none), body (raw text instead of the envelope),
-- method (HTTP method, "POST"), id (the RPC id). Returns the decoded
-- answer (nil for a body that is not JSON) and the HTTP response, or nil,
-- err on a transport failure.
function Caller:call(rpc_method, params, opts)
  opts = opts or {}
  self.seq = self.seq + 1
  local headers = { ["Content-Type"] = "application/json" }
  if opts.auth ~= false then
    headers.Authorization = opts.auth
      or ("Basic " .. crypto.base64_encode(self.login .. ":" .. (opts.key or self.key)))
  end
  local body = opts.body or json.encode { jsonrpc = "2.0", id = opts.id or self.seq, method = rpc_method,
                                          params = params or {} }
  local res, err = http.request { method = opts.method or "POST", url = self.url, headers = headers,
                                  body = (opts.method or "POST") ~= "GET" and body or nil,
                                  timeout = self.timeout }
  if not res then return nil, err end
  return json.decode(res.body), res
end

-- Sends the same call twice, as Payme does with Create, Perform and
-- Cancel; returns both answers.
function Caller:twice(rpc_method, params)
  local a = self:call(rpc_method, params)
  local b = self:call(rpc_method, params)
  return a, b
end

local function account(order_id) return { order_id = tostring(order_id) } end

function Caller:check_perform(order_id, amount)
  return self:call("CheckPerformTransaction", { amount = amount, account = account(order_id) })
end

-- CreateTransaction (once; opts.twice for Payme's repeat). opts.id, opts.time.
function Caller:create(order_id, amount, opts)
  opts = opts or {}
  local params = { id = opts.id or M.new_id(), time = opts.time or M.now_ms(), amount = amount,
                   account = account(order_id) }
  if opts.twice then return self:twice("CreateTransaction", params) end
  return self:call("CreateTransaction", params), params
end

function Caller:perform(id) return self:call("PerformTransaction", { id = id }) end
function Caller:cancel(id, reason) return self:call("CancelTransaction", { id = id, reason = reason }) end
function Caller:check(id) return self:call("CheckTransaction", { id = id }) end
function Caller:statement(from, to) return self:call("GetStatement", { from = from, to = to }) end

-- Payme's own cancel of a transaction that waited 12 hours (reason 4).
function Caller:timeout_cancel(id) return self:cancel(id, 4) end

-- A refund from the Payme cabinet: cancel after perform, reason 5.
function Caller:refund(id) return self:cancel(id, 5) end

-- The whole payment as Payme makes it: CheckPerformTransaction, then
-- CreateTransaction and PerformTransaction each sent twice. Returns
-- { id =, create = answer, perform = answer }, or nil, the answer that
-- refused (or a message when a repeat answered differently).
function Caller:pay(order_id, amount)
  local a = self:check_perform(order_id, amount)
  if not (a and a.result and a.result.allow) then return nil, a end
  local id = M.new_id()
  local c1, c2 = self:create(order_id, amount, { id = id, twice = true })
  if not (c1 and c1.result) then return nil, c1 end
  if json.encode(c1.result) ~= json.encode(c2 and c2.result) then return nil, "CreateTransaction repeat differs" end
  local p1, p2 = self:twice("PerformTransaction", { id = id })
  if not (p1 and p1.result) then return nil, p1 end
  if json.encode(p1.result) ~= json.encode(p2 and p2.result) then return nil, "PerformTransaction repeat differs" end
  return { id = id, create = c1, perform = p1 }
end

return M
