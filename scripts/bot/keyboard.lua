-- scripts/bot/keyboard.lua — inline keyboards and the callback-data codec.
--
-- callback_data is at most 64 BYTES, so it carries ids and small numbers,
-- never names: "c:12:2" is category 12, page 2. Parts are joined with ":"
-- and the first part says who handles the press: the prefixes are listed,
-- with what each carries, in bot/callbacks.lua.
--
-- Button labels must be Texts from i18n (a raw string raises), and a built
-- keyboard is sealed, so bot/out.lua can tell it was made here.
local i18n = require "i18n"
local json = require "json"

local MAX_DATA = 64            -- Telegram's limit, in bytes
local MAX_PER_ROW = 8          -- Telegram's (undocumented) row limit

local M = {}

local MARKUP = { __metatable = "keyboard.markup" }

-- cb("c", 12, 2) -> "c:12:2"; raises when the result would not fit, or a
-- part could be confused with the separator.
function M.cb(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do
    local v = select(i, ...)
    local s = tostring(v)
    if s:find(":", 1, true) then error("callback part contains ':': " .. s, 2) end
    parts[i] = s
  end
  local data = table.concat(parts, ":")
  if #data < 1 or #data > MAX_DATA then
    error(("callback_data of %d bytes (max %d): %s"):format(#data, MAX_DATA, data), 2)
  end
  return data
end

-- "c:12:2" -> { "c", "12", "2" }
function M.decode(data)
  local parts = {}
  if type(data) ~= "string" then return parts end
  for p in (data .. ":"):gmatch("([^:]*):") do parts[#parts + 1] = p end
  return parts
end

-- A date as one part of callback data, without its dashes (a day's CSV
-- button): "2026-03-08" <-> "20260308"; day() gives nil for anything else.
function M.packed_day(date) return (date:gsub("-", "")) end
function M.day(part)
  local y, m, d = (part or ""):match("^(%d%d%d%d)(%d%d)(%d%d)$")
  return y and (y .. "-" .. m .. "-" .. d)
end

-- One button: label is a Text, data from M.cb.
function M.button(label, data)
  if type(data) ~= "string" or #data < 1 or #data > MAX_DATA then
    error("bad callback_data: " .. tostring(data), 2)
  end
  return { text = i18n.str(label), callback_data = data }
end

-- A button that opens `url` (http or https: a provider's payment page).
function M.url_button(label, url)
  if type(url) ~= "string" or not url:match("^https?://") then error("bad button url: " .. tostring(url), 2) end
  return { text = i18n.str(label), url = url }
end

-- Rows of buttons -> a sealed reply_markup. Empty rows are dropped, long
-- rows split at Telegram's limit.
function M.markup(rows)
  local out = {}
  for _, row in ipairs(rows) do
    local cur = {}
    for _, b in ipairs(row) do
      if #cur == MAX_PER_ROW then out[#out + 1] = cur; cur = {} end
      cur[#cur + 1] = b
    end
    if #cur > 0 then out[#out + 1] = cur end
  end
  return setmetatable({ inline_keyboard = out }, MARKUP)
end

function M.is_markup(v)
  return type(v) == "table" and getmetatable(v) == "keyboard.markup"
end

-- A keyboard under the input field with one button that sends the user's
-- own phone number as a contact (request_contact): the only way a bot can
-- ask for it (checkout's "it's me"). It hides once pressed; M.remove()
-- takes it away. Only for sendMessage: an edit cannot carry it.
function M.ask_contact(label)
  return setmetatable({ keyboard = { { { text = i18n.str(label), request_contact = true } } },
                        resize_keyboard = true, one_time_keyboard = true }, MARKUP)
end

function M.remove() return setmetatable({ remove_keyboard = true }, MARKUP) end

-- The markup as JSON text, made once per markup and kept on it (a built
-- markup is never changed): the catalog's screens and cards are built once
-- per catalog copy and sent thousands of times, and their keyboards were
-- most of what encoding a send's parameters cost. nil for no markup.
function M.json(v)
  if v == nil then return nil end
  local s = rawget(v, "_json")
  if not s then
    s = assert(json.encode(M.unwrap(v)))
    rawset(v, "_json", s)
  end
  return s
end

-- The plain table for the Bot API (cjson ignores the metatable).
function M.unwrap(v)
  if v == nil then return nil end
  if not M.is_markup(v) then error("reply_markup not built by bot/keyboard.lua", 2) end
  if v.keyboard then
    return { keyboard = v.keyboard, resize_keyboard = v.resize_keyboard, one_time_keyboard = v.one_time_keyboard }
  end
  if v.remove_keyboard then return { remove_keyboard = true } end
  return { inline_keyboard = v.inline_keyboard }
end

return M
