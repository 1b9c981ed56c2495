-- spec/no_raw_text_spec.lua — no sentence for customers is typed into code.
--
-- Two checks over every file under scripts/:
--  1. No string literal holds a Cyrillic letter, an Uzbek apostrophe or any
--     other non-ASCII character: Russian and Uzbek text lives in templates/.
--     (Comments may say anything.) The allow-list below names the files
--     that hold data, not sentences, and why.
--  2. Only scripts/bot/out.lua talks to Telegram's sending methods, and it
--     accepts only Texts from i18n.t (spec/i18n_spec.lua checks that), so
--     an English string cannot slip out either.
local fs = require "fs"
local config = require "config"

local ALLOWED_NON_ASCII = {
  ["scripts/shop/normalize.lua"] = "the Cyrillic -> Latin alphabet of the search key",
}

local SENDER = "scripts/bot/out.lua"

local function allowed(rel)
  for prefix in pairs(ALLOWED_NON_ASCII) do
    if rel:sub(1, #prefix) == prefix then return true end
  end
  return false
end

-- The string literals of a Lua source, as { {line=, text=}, ... }: quoted
-- strings and long brackets, skipping comments of both kinds.
local function literals(src)
  local out, i, n, line = {}, 1, #src, 1
  local function long_bracket_at(pos)
    local eq = src:match("^%[(=*)%[", pos)
    return eq
  end
  while i <= n do
    local c = src:sub(i, i)
    if c == "\n" then
      line = line + 1; i = i + 1
    elseif src:sub(i, i + 1) == "--" then
      local eq = long_bracket_at(i + 2)
      if eq then
        local close = "]" .. eq .. "]"
        local s, e = src:find(close, i + 4 + #eq, true)
        e = e or n
        local _, nl = src:sub(i, e):gsub("\n", "")
        line = line + nl; i = e + 1
      else
        local e = src:find("\n", i, true) or n + 1
        i = e
      end
    elseif c == '"' or c == "'" then
      local j, buf = i + 1, {}
      while j <= n do
        local d = src:sub(j, j)
        if d == "\\" then buf[#buf + 1] = src:sub(j, j + 1); j = j + 2
        elseif d == c or d == "\n" then break
        else buf[#buf + 1] = d; j = j + 1 end
      end
      out[#out + 1] = { line = line, text = table.concat(buf) }
      i = j + 1
    elseif c == "[" and long_bracket_at(i) then
      local eq = long_bracket_at(i)
      local close = "]" .. eq .. "]"
      local s, e = src:find(close, i + 2 + #eq, true)
      e = e or n
      local body = src:sub(i + 2 + #eq, (s or n + 1) - 1)
      out[#out + 1] = { line = line, text = body }
      local _, nl = src:sub(i, e):gsub("\n", "")
      line = line + nl; i = e + 1
    else
      i = i + 1
    end
  end
  return out
end

local function lua_files()
  local files = {}
  local function walk(dir, rel)
    for _, name in ipairs(assert(fs.list(dir))) do
      local st = assert(fs.stat(dir .. "/" .. name))
      if st.type == "dir" then walk(dir .. "/" .. name, rel .. name .. "/")
      elseif name:match("%.lua$") then files[#files + 1] = { path = dir .. "/" .. name, rel = rel .. name } end
    end
  end
  walk(config.root .. "/scripts", "scripts/")
  return files
end

describe("the string-literal scanner", function()
  it("sees strings and long strings, not comments", function()
    local src = 'local a = "Привет" -- комментарий\n--[[ Салом ]] local b = [==[ oʻzbek ]==]\n'
             .. "local c = 'ok' --[=[\nдолгий\n]=] local d = \"esc \\\" ё\"\n"
    local lits = literals(src)
    local texts = {}
    for _, l in ipairs(lits) do texts[#texts + 1] = l.text end
    assert.same({ "Привет", " oʻzbek ", "ok", 'esc \\" ё' }, texts)
    assert.equal(5, lits[4].line)
  end)
end)

describe("scripts/", function()
  local files = lua_files()

  it("has files to check", function()
    assert.is_true(#files >= 10)
  end)

  it("holds no Russian or Uzbek text outside templates/", function()
    local bad = {}
    for _, f in ipairs(files) do
      if not allowed(f.rel) then
        for _, lit in ipairs(literals(assert(fs.read(f.path)))) do
          if lit.text:find("[\128-\255]") then
            bad[#bad + 1] = ("%s:%d: %s"):format(f.rel, lit.line, lit.text:sub(1, 60))
          end
        end
      end
    end
    assert(#bad == 0, "text belongs in templates/ru.lua and templates/uz.lua:\n  " .. table.concat(bad, "\n  "))
  end)

  it("sends to Telegram only through " .. SENDER, function()
    local bad = {}
    for _, f in ipairs(files) do
      if f.rel ~= SENDER then
        local src = assert(fs.read(f.path))
        for _, pat in ipairs { "tg%(?%)?%.send", "tg%(?%)?%.call", "tg%(?%)?%.answer",
                                 "[\"']send%u%a+[\"']", "[\"']edit%u%a+[\"']", "[\"']answerCallbackQuery[\"']" } do
          if src:find(pat) then bad[#bad + 1] = f.rel .. " matches " .. pat end
        end
      end
    end
    assert(#bad == 0, "only " .. SENDER .. " may send:\n  " .. table.concat(bad, "\n  "))
  end)
end)
