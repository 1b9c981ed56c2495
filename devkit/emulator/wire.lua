-- devkit/emulator/wire.lua — the emulator's side of the Bot API's HTTP
-- protocol: reading a method's parameters the four ways Telegram accepts them
-- (query string, urlencoded form, JSON body, multipart/form-data) and writing
-- Telegram's answer envelope. Nothing here knows about chats or messages.
local json = require "json"

local M = {}

local function unescape(s)
  s = s:gsub("+", " ")
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

local function parse_urlencoded(s, into)
  for pair in s:gmatch("[^&]+") do
    local k, v = pair:match("^([^=]*)=?(.*)$")
    into[unescape(k)] = unescape(v)
  end
end

-- multipart/form-data (RFC 7578): parts separated by "--boundary" lines; a
-- part with a filename is a file and is kept as {filename=, content_type=,
-- data=}, other parts are plain string fields.
local function parse_multipart(body, boundary, into, files)
  local delim = "--" .. boundary
  local pos = body:find(delim, 1, true)
  if not pos then return nil, "no boundary in body" end
  pos = pos + #delim
  while true do
    if body:sub(pos, pos + 1) == "--" then return true end
    if body:sub(pos, pos + 1) ~= "\r\n" then return nil, "malformed multipart" end
    pos = pos + 2
    local hend = body:find("\r\n\r\n", pos, true)
    if not hend then return nil, "malformed part headers" end
    local head = body:sub(pos, hend - 1)
    local nxt = body:find("\r\n" .. delim, hend + 4, true)
    if not nxt then return nil, "unterminated part" end
    local data = body:sub(hend + 4, nxt - 1)
    local name = head:match('[Nn]ame="([^"]*)"')
    local filename = head:match('[Ff]ilename="([^"]*)"')
    local ctype = head:match("[Cc]ontent%-[Tt]ype:%s*([^\r\n]+)")
    if name then
      if filename then
        files[name] = { filename = filename, content_type = ctype, data = data }
        into[name] = "attach://" .. name
        files["attach://" .. name] = files[name]
      else
        into[name] = data
      end
    end
    pos = nxt + 2 + #delim
  end
end

-- Fields whose value is a JSON-serialised object when sent as form or query
-- (Telegram decodes them the same way).
local JSON_FIELDS = { reply_markup = true, media = true, allowed_updates = true,
                      entities = true, caption_entities = true, link_preview_options = true,
                      reply_parameters = true }

-- Returns params, files | nil, message.
function M.params(req)
  local p, files = {}, {}
  if req.query ~= "" then parse_urlencoded(req.query, p) end
  local ctype = (req.headers["content-type"] or ""):lower()
  if req.body ~= "" then
    if ctype:find("application/json", 1, true) then
      local v, err = json.decode(req.body)
      if type(v) ~= "table" then return nil, "can't parse JSON: " .. tostring(err) end
      for k, x in pairs(v) do p[k] = x end
    elseif ctype:find("multipart/form-data", 1, true) then
      local b = (req.headers["content-type"] or ""):match('[Bb]oundary="?([^";]+)"?')
      if not b then return nil, "no multipart boundary" end
      local ok, err = parse_multipart(req.body, b, p, files)
      if not ok then return nil, err end
    else
      parse_urlencoded(req.body, p)
    end
  end
  for k, v in pairs(p) do
    if JSON_FIELDS[k] and type(v) == "string" then
      local d = json.decode(v)
      if d ~= nil then p[k] = d end
    end
  end
  return p, files
end

function M.ok(result)
  return 200, { ok = true, result = result }
end

function M.fail(code, description, parameters)
  return code, { ok = false, error_code = code, description = description, parameters = parameters }
end

return M
