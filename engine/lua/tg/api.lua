-- engine/lua/tg/api.lua — one Bot API call over HTTP, nothing more: the URL
-- (TELEGRAM_API_URL + /bot<token>/<method>), the JSON or multipart body, and
-- Telegram's answer envelope turned into Lua's `result | nil, msg, code`.
-- Rate limits, retries and queues live in the layers above (tg/send.lua).
local http = require "http"
local json = require "json"
local config = require "config"

local M = {}

-- cjson decodes every number as a float; Telegram's ids are integers, and a
-- float chat id prints as "5001.0" and misses every table lookup and Redis
-- key. Integral floats become integers, in place.
local function ints(v)
  local t = type(v)
  if t == "number" then return math.tointeger(v) or v end
  if t == "table" then
    for k, x in pairs(v) do
      local tx = type(x)
      if tx == "number" then v[k] = math.tointeger(x) or x
      elseif tx == "table" then ints(x) end
    end
  end
  return v
end
M.ints = ints

function M.decode(s)
  local v, err = json.decode(s)
  if v == nil then return nil, err end
  return ints(v)
end

local base
local function url(method)
  if not base then
    local token = config.bot_token
    if not token then error("tg: BOT_TOKEN is not set", 3) end
    base = config.telegram_api_url:gsub("/+$", "") .. "/bot" .. token .. "/"
  end
  return base .. method
end

-- Form parts for a multipart call: Telegram wants every parameter as a text
-- field, objects (reply_markup, media) as JSON text.
function M.form(params, files)
  local parts = {}
  for k, v in pairs(params) do
    local t = type(v)
    local data
    if t == "table" then data = json.encode(v)
    elseif t == "boolean" then data = v and "true" or "false"
    else data = tostring(v) end
    parts[#parts + 1] = { name = k, data = data }
  end
  for _, f in ipairs(files or {}) do parts[#parts + 1] = f end
  return parts
end

-- Shared by every JSON call (http.request only reads it): one table less
-- per call on the hot path.
local JSON_HEADERS = { ["Content-Type"] = "application/json" }

-- Calls `method`. Returns the result, or nil, description, error_code,
-- parameters — error_code is Telegram's number (400, 403, 429, 5xx...) or
-- "network" / "timeout" when no answer came. opts.files: upload parts
-- ({name=, data=, filename=, content_type=}), which switches to multipart;
-- opts.timeout: seconds (default 30); opts.raw: the result as cjson made it
-- (numbers as floats), for a caller that fixes only the part it keeps
-- (the poller: most of a getUpdates batch may be re-delivered updates).
function M.call(method, params, opts)
  local req = { method = "POST", url = url(method), timeout = opts and opts.timeout or 30 }
  if opts and opts.files then
    req.form = M.form(params or {}, opts.files)
  else
    req.headers = JSON_HEADERS
    local body, err = json.encode(params or {})
    if not body then return nil, "tg: cannot encode parameters: " .. tostring(err), 400 end
    req.body = body
  end
  local res, err, code = http.request(req)
  if not res then
    return nil, "Bot API unreachable: " .. tostring(err), code == "timeout" and "timeout" or "network"
  end
  local body = json.decode(res.body)
  if type(body) ~= "table" or body.ok == nil then
    -- a proxy's HTML error page, a truncated body: judge by the status
    local status = res.status
    return nil, "Bot API answered HTTP " .. status .. " without a JSON envelope",
      status >= 400 and status or "network"
  end
  if body.ok then
    if opts and opts.raw then return body.result end
    return ints(body.result)
  end
  return nil, body.description or ("HTTP " .. res.status), math.tointeger(body.error_code) or res.status,
    ints(body.parameters)
end

return M
