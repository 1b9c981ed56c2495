-- scripts/app/provider_call.lua — what the Payme and Click handlers share:
-- time the call, answer HTTP 200 with JSON whatever happened, and store the
-- call (request, answer, caller's address, duration, authentic or not)
-- through shop.payments before answering, so no answer leaves unrecorded.
local timer = require "timer"
local json = require "json"
local payments = require "shop.payments"

local M = {}

-- handler(req, call) -> answer (a table), or answer, json_text when the
-- table cannot say it (an empty JSON array). It fills `call` as it learns:
-- method, tx_id, order_id, authentic, error.
function M.route(provider, handler)
  return function(req)
    local t0 = timer.monotonic()
    local call = { provider = provider, remote = req.remote, request = req.body,
                   received_ms = math.floor(timer.now() * 1000), authentic = false }
    local answer, text = handler(req, call)
    text = text or json.encode(answer)
    call.answer = text
    call.duration_ms = (timer.monotonic() - t0) * 1000
    payments.record(call)
    return 200, text, { ["Content-Type"] = "application/json; charset=utf-8" }
  end
end

return M
