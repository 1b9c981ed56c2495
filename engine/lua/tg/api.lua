-- engine/lua/tg/api.lua — one Bot API call over HTTP, nothing more: the URL
-- (TELEGRAM_API_URL + /bot<token>/<method>), the JSON or multipart body, and
-- Telegram's answer envelope turned into Lua's `result | nil, msg, code`.
-- Rate limits, retries and queues live in the layers above (tg/send.lua).
local http = require "http"
local json = require "json"
local config = require "config"

local M = {}

local base
local function url(method)
  if not base then
    local token = config.bot_token
    if not token then error("tg: BOT_TOKEN is not set", 3) end
    base = config.telegram_api_url:gsub("/+$", "") .. "/bot" .. token .. "/"
  end
  return base .. method
end

-- A file a user sent, by its file_id: getFile names its path, and the
-- bytes come from TELEGRAM_API_URL/file/bot<token>/<path> (Telegram keeps
-- the link an hour; bots may fetch files up to 20 MB). max_bytes bounds
-- what is read. Returns data | nil, msg, code ("too_big", "network", or
-- the Bot API's error code).
function M.download(file_id, max_bytes)
  local f, err, code = M.call("getFile", { file_id = file_id })
  if not f then return nil, err, code end
  if type(f.file_path) ~= "string" then return nil, "tg: getFile gave no file_path", "network" end
  if max_bytes and math.tointeger(f.file_size) and f.file_size > max_bytes then
    return nil, "tg: the file is larger than " .. max_bytes .. " bytes", "too_big"
  end
  url("getFile")
  local link = base:gsub("/bot([^/]+)/$", "/file/bot%1/") .. f.file_path
  local res, herr, hcode = http.request { url = link, timeout = 30, max_body = max_bytes }
  if not res then
    if hcode == "too_large" then return nil, tostring(herr), "too_big" end
    return nil, "Bot API unreachable: " .. tostring(herr), "network"
  end
  if res.status ~= 200 then return nil, "tg: file download answered HTTP " .. res.status, res.status end
  return res.body
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
-- a 200's body with this is a success (why that is safe: M.call)
local OK_MARKER = '"ok":true'

-- Calls `method`. Returns the result, or nil, description, error_code,
-- parameters — error_code is Telegram's number (400, 403, 429, 5xx...) or
-- "network" / "timeout" when no answer came. opts.files: upload parts
-- ({name=, data=, filename=, content_type=}), which switches to multipart;
-- opts.timeout: seconds (default 30); opts.result = false: the caller does
-- not read the result, so a success returns true without decoding it;
-- opts.items: a success whose result is an array returns its elements as
-- JSON texts, cut by the HTTP client before the answer is ever a Lua
-- string (the poller: each update is kept as the text it came in);
-- opts.json: more parameters as ready JSON object
-- members ('"text":"…","reply_markup":{…}'), appended to the encoded
-- params — what the bot sends most is the same few keyboards, encoded
-- once (scripts/bot/keyboard.lua).
--
-- Why opts.result: Telegram echoes every sent or edited message back whole
-- (text, keyboard, chat, sender), and decoding that answer, with the
-- garbage it leaves, was the largest single cost per update
-- (bench/README.md). A success is told without decoding by a
-- 200 whose body has `"ok":true`: inside a JSON string the quotes would be
-- escaped, and an error envelope ({"ok":false, "error_code",
-- "description", "parameters"}) has no nested object that could hold it.
function M.call(method, params, opts)
  local req = { method = "POST", url = url(method), timeout = opts and opts.timeout or 30 }
  local extra = opts and opts.json
  if opts and opts.files then
    local p = params or {}
    if extra then                   -- an upload sends fields, not JSON: take them apart
      local more = json.decode("{" .. extra .. "}")
      if type(more) ~= "table" then return nil, "tg: opts.json is not JSON object members", 400 end
      p = {}
      for k, v in pairs(params or {}) do p[k] = v end
      for k, v in pairs(more) do p[k] = v end
    end
    req.form = M.form(p, opts.files)
  else
    req.headers = JSON_HEADERS
    local body, err = json.encode(params or {})
    if not body then return nil, "tg: cannot encode parameters: " .. tostring(err), 400 end
    if extra then
      body = #body > 2 and body:sub(1, -2) .. "," .. extra .. "}" or "{" .. extra .. "}"
    end
    req.body = body
  end
  -- a success whose result nobody reads is told by the HTTP client itself,
  -- without the body becoming a Lua string (engine/README.md, http.request)
  local quiet = opts and opts.result == false and not opts.items
  if quiet then req.success_marker = OK_MARKER end
  if opts and opts.items then req.json_items = "result" end
  local res, err, code = http.request(req)
  if not res then
    return nil, "Bot API unreachable: " .. tostring(err), code == "timeout" and "timeout" or "network"
  end
  if res.matched then return true end
  if res.items then return res.items end
  local body = json.decode(res.body)
  if type(body) ~= "table" or body.ok == nil then
    -- a proxy's HTML error page, a truncated body: judge by the status
    local status = res.status
    return nil, "Bot API answered HTTP " .. status .. " without a JSON envelope",
      status >= 400 and status or "network"
  end
  if body.ok then
    return body.result
  end
  return nil, body.description or ("HTTP " .. res.status), math.tointeger(body.error_code) or res.status,
    body.parameters
end

return M
