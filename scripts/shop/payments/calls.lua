-- scripts/shop/payments/calls.lua — every call a provider made, stored:
-- the body as received, our answer, the caller's address, how long we
-- took, and whether its key or signature checked. A forged call is also
-- logged as a warning with the address.
local pg = require "pg"
local log = require "log"
local json = require "json"
local crypto = require "crypto"

local M = {}

local INSERT = [[
  INSERT INTO payment_calls (provider, method, provider_tx_id, order_id, remote, authentic, request,
                             answer, error, received_ms, duration_ms)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11)]]

-- A body as a text column holds it: not UTF-8 (or holding a zero byte,
-- which PostgreSQL's text cannot) is kept as hex.
local function storable(body)
  body = body or ""
  if utf8.len(body) and not body:find("\0", 1, true) then return body end
  return "hex:" .. crypto.hex(body)
end

-- c = { provider, method, tx_id, order_id, remote, authentic, request
-- (text), answer (table or JSON text), error (code or nil), received_ms,
-- duration_ms }. Never raises: a call we could not store is logged.
function M.record(c)
  if not c.authentic then
    log.warn("payments: forged call refused", { provider = c.provider, remote = c.remote, method = c.method })
  end
  local answer = c.answer
  if type(answer) == "string" then answer = json.decode(answer) or { text = answer } end
  local order_id = math.tointeger(tonumber(c.order_id or ""))
  if order_id and (order_id < 1 or order_id > 9e18) then order_id = nil end
  local ok, err, code = pg.query(INSERT, c.provider, c.method or pg.null, c.tx_id or pg.null,
    order_id or pg.null, c.remote or "?", c.authentic == true, storable(c.request), answer,
    c.error or pg.null, c.received_ms, c.duration_ms)
  if not ok then
    log.error("payments: call not stored", { provider = c.provider, remote = c.remote, err = tostring(err), code = code })
  end
  return ok ~= nil
end

return M
