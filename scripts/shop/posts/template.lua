-- scripts/shop/posts/template.lua — the post template language: a small,
-- logic-less mustache dialect, read and filled by this file as data.
--
--   local template = require "shop.posts.template"
--   local tree, err = template.parse(text)          -- err = { line =, msg = }
--   local s, err = template.render(tree, vars, opts)
--
-- A template is text with tags:
--   {{name}}                a value, always HTML-escaped (opts.escape)
--   {{price | som}}         a value through a filter (opts.filters[name](v, arg))
--   {{hours | plural: час/часа/часов}}   a filter with an argument
--   {{#list}}…{{/list}}     a list: the inside once per item (the item's
--                           fields are names there, {{.}} is the item itself,
--                           {{@first}} {{@last}} {{@index}} its place);
--                           any other value: the inside once when it is truthy
--   {{^name}}…{{/name}}     the inside when the value is falsy
--   {{! a comment }}
-- Falsy: nil, false, 0, "" and an empty list. A section's tag alone on its
-- line takes the line with it, so a template can be laid out readably.
--
-- Why not a library (README.md, "Post templates"): the template is never
-- turned into Lua code, so a marketer's file cannot run anything — there is
-- no raw output, no expression, no include; rendering walks a finite tree
-- over finite data, so it always ends. A name no data defines is an error
-- (a typo is refused on the sample data at reload, not published blank).
local M = {}

local function err(line, msg, ...) return { line = line, msg = msg:format(...) } end

local function line_at(text, pos)
  local n = 1
  for _ in text:sub(1, pos - 1):gmatch("\n") do n = n + 1 end
  return n
end

-- "name | filter: arg" -> { path = {"name"}, filter =, arg = }
local function parse_value(body, line)
  local expr, filter = body, nil
  local bar = body:find("|", 1, true)
  if bar then expr, filter = body:sub(1, bar - 1), body:sub(bar + 1) end
  expr = expr:match("^%s*(.-)%s*$")
  local node = { line = line }
  if expr == "." then
    node.path = {}
  elseif expr:match("^@?[%a_][%w_]*$") or expr:match("^[%a_][%w_]*%.[%w_.]+$") then
    node.path = {}
    for part in expr:gmatch("[^.]+") do node.path[#node.path + 1] = part end
  else
    return nil, err(line, "{{%s}}: a name is letters, digits and _ (a.b for a field)", body)
  end
  if filter then
    local fname, arg = filter:match("^%s*([%a_][%w_]*)%s*:%s*(.-)%s*$")
    if not fname then fname = filter:match("^%s*([%a_][%w_]*)%s*$") end
    if not fname then return nil, err(line, "{{%s}}: a filter is a name, with ': argument' after it", body) end
    node.filter, node.arg = fname, arg
  end
  node.name = expr
  return node
end

-- Is the tag at [a, b] alone on its line? Then the line's whitespace and
-- its newline go with it.
local function standalone(text, a, b)
  local before = text:sub(1, a - 1):match("([ \t]*)$")
  local line_start = a - #before
  if line_start > 1 and text:sub(line_start - 1, line_start - 1) ~= "\n" then return nil end
  local after = text:match("^[ \t]*\r?\n", b + 1) or (b == #text and "" or nil)
  if not after then
    local rest = text:match("^[ \t]*$", b + 1)
    if rest then after = rest else return nil end
  end
  return line_start, b + #after
end

-- text -> tree, or nil and { line =, msg = }
function M.parse(text)
  if type(text) ~= "string" then return nil, err(1, "the template is not text") end
  local root = { kind = "root", children = {} }
  local stack = { root }
  local pos, tpos = 1, 1   -- pos: where literal text starts; tpos: where to look for a tag
  while true do
    local a, b, body = text:find("{{(.-)}}", tpos)
    local opening = text:find("{{", tpos, true)
    if opening and (not a or opening < a) then
      return nil, err(line_at(text, opening), "{{ is never closed with }}")
    end
    if not a then break end
    local line = line_at(text, a)
    local sigil = body:sub(1, 1)
    local is_block = sigil == "#" or sigil == "^" or sigil == "/" or sigil == "!"
    local lit_end, next_pos = a - 1, b + 1
    if is_block then
      local s, e = standalone(text, a, b)
      if s then lit_end, next_pos = s - 1, e + 1 end
    end
    local parent = stack[#stack]
    if lit_end >= pos then parent.children[#parent.children + 1] = text:sub(pos, lit_end) end
    if sigil == "!" then
      -- a comment
    elseif sigil == "#" or sigil == "^" then
      local node, e = parse_value(body:sub(2), line)
      if not node then return nil, e end
      if node.filter then return nil, err(line, "{{%s}}: a section takes no filter", body) end
      node.kind = sigil == "#" and "section" or "inverted"
      node.children = {}
      parent.children[#parent.children + 1] = node
      stack[#stack + 1] = node
    elseif sigil == "/" then
      local name = body:sub(2):match("^%s*(.-)%s*$")
      if #stack == 1 then return nil, err(line, "{{/%s}} closes nothing", name) end
      if parent.name ~= name then
        return nil, err(line, "{{/%s}} closes {{%s%s}} opened on line %d", name,
          parent.kind == "section" and "#" or "^", parent.name, parent.line)
      end
      stack[#stack] = nil
    else
      local node, e = parse_value(body, line)
      if not node then return nil, e end
      node.kind = "value"
      parent.children[#parent.children + 1] = node
    end
    pos, tpos = next_pos, next_pos
  end
  if #stack > 1 then
    local open = stack[#stack]
    return nil, err(open.line, "{{%s%s}} is never closed", open.kind == "section" and "#" or "^", open.name)
  end
  if pos <= #text then root.children[#root.children + 1] = text:sub(pos) end
  return root
end

-- {======================================================================
-- Rendering
-- =======================================================================

local function lookup(stack, path)
  if #path == 0 then return stack[#stack].value end
  for i = #stack, 1, -1 do
    local frame = stack[i]
    local v
    if frame.meta and path[1]:sub(1, 1) == "@" then v = frame.meta[path[1]]
    elseif type(frame.value) == "table" then v = frame.value[path[1]] end
    if v ~= nil then
      for j = 2, #path do
        if type(v) ~= "table" then return nil end
        v = v[path[j]]
      end
      return v
    end
  end
  return nil
end

local function is_list(v) return type(v) == "table" and (v[1] ~= nil or next(v) == nil) end

local function truthy(v)
  if v == nil or v == false or v == 0 or v == "" then return false end
  if type(v) == "table" and is_list(v) and v[1] == nil then return false end
  return true
end

local Fail = {}   -- raised (as a table) to unwind a render with its error

local function walk(node, stack, opts, out)
  for _, child in ipairs(node.children) do
    if type(child) == "string" then
      out[#out + 1] = child
    else
      local v = lookup(stack, child.path)
      if v == nil then
        error(setmetatable(err(child.line, "{{%s}}: no such value", child.name), Fail), 0)
      end
      if child.kind == "value" then
        if child.filter then
          local f = opts.filters and opts.filters[child.filter]
          if not f then error(setmetatable(err(child.line, "no filter '%s'", child.filter), Fail), 0) end
          local s, why = f(v, child.arg)
          if s == nil then
            error(setmetatable(err(child.line, "{{%s}}: %s", child.name, why or "the filter failed"), Fail), 0)
          end
          v = s
        elseif type(v) == "table" then
          error(setmetatable(err(child.line, "{{%s}} is a list: use {{#%s}}...{{/%s}}", child.name,
            child.name, child.name), Fail), 0)
        end
        if v ~= false then out[#out + 1] = opts.escape(tostring(v)) end
      elseif child.kind == "section" then
        if is_list(v) then
          local n = #v
          for i, item in ipairs(v) do
            stack[#stack + 1] = { value = item, meta = { ["@first"] = i == 1, ["@last"] = i == n, ["@index"] = i } }
            walk(child, stack, opts, out)
            stack[#stack] = nil
          end
        elseif truthy(v) then
          stack[#stack + 1] = { value = v }
          walk(child, stack, opts, out)
          stack[#stack] = nil
        end
      elseif not truthy(v) then
        walk(child, stack, opts, out)
      end
    end
  end
end

-- tree, vars, { escape = fn(string) -> string, filters = { name = fn } }
-- -> string, or nil and { line =, msg = }
function M.render(tree, vars, opts)
  local out = {}
  local ok, e = pcall(walk, tree, { { value = vars } }, opts, out)
  if not ok then
    if getmetatable(e) == Fail then return nil, e end
    error(e, 0)
  end
  return table.concat(out)
end

return M
