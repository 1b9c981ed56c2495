-- scripts/shop/posts/html.lua — Telegram's HTML for posts: escaping a
-- value, checking a rendered post, and its length as Telegram counts it.
--
-- Telegram's parse_mode HTML knows a few tags and four entities; anything
-- else makes sendMessage fail with "can't parse entities". Every value put
-- into a post is escaped, so only the template's own text can bring a tag;
-- check() makes sure that text brought only tags Telegram knows, closed in
-- order, and no bare & or <.
local M = {}

local ESC = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;" }

function M.escape(s) return (s:gsub('[&<>"]', ESC)) end

-- The tags Telegram's HTML accepts (core.telegram.org/bots/api#html-style).
local TAGS = { b = true, strong = true, i = true, em = true, u = true, ins = true, s = true,
               strike = true, del = true, a = true, code = true, pre = true, blockquote = true,
               ["tg-spoiler"] = true, span = true, ["tg-emoji"] = true }

local ENTITIES = { amp = "&", lt = "<", gt = ">", quot = '"' }

-- true, or nil and what is wrong (with the line of the rendered text).
function M.check(s)
  local open = {}
  local pos = 1
  while true do
    local a = s:find("[<&]", pos)
    if not a then break end
    local line = select(2, s:sub(1, a):gsub("\n", "")) + 1
    if s:sub(a, a) == "&" then
      local name = s:match("^&(#?%w+);", a)
      if not name or not (ENTITIES[name] or name:match("^#%d+$") or name:match("^#x%x+$")) then
        return nil, ("line %d: a bare & (write &amp;)"):format(line)
      end
      pos = a + 1
    else
      local closing, tag, rest, b = s:match("^<(/?)([%w-]+)([^<>]*)>()", a)
      if not tag then return nil, ("line %d: a bare < (write &lt;)"):format(line) end
      tag = tag:lower()
      if not TAGS[tag] then return nil, ("line %d: <%s> is not a tag Telegram knows"):format(line, tag) end
      if closing == "/" then
        if open[#open] ~= tag then
          return nil, ("line %d: </%s> closes %s"):format(line, tag,
            open[#open] and ("<" .. open[#open] .. ">") or "nothing")
        end
        open[#open] = nil
      else
        if tag == "span" and not rest:find('class="tg-spoiler"', 1, true) then
          return nil, ("line %d: <span> needs class=\"tg-spoiler\""):format(line)
        end
        open[#open + 1] = tag
      end
      pos = b
    end
  end
  if open[1] then return nil, ("<%s> is never closed"):format(open[#open]) end
  return true
end

-- The length Telegram limits: the text without tags, entities as the one
-- character they stand for, counted in UTF-16 code units (an emoji outside
-- the BMP counts two), as the Bot API counts.
function M.length(s)
  local text = s:gsub("<[^>]*>", ""):gsub("&(#?%w+);", function(name)
    if ENTITIES[name] then return ENTITIES[name] end
    return "x"
  end)
  local n = 0
  for _, c in utf8.codes(text, true) do n = n + (c > 0xFFFF and 2 or 1) end
  return n
end

return M
