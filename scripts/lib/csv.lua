-- scripts/lib/csv.lua — CSV as DESIGN.md §2 fixes it for imports and
-- exports: UTF-8, with or without a BOM; the separator `;` or `,`, read
-- from the header line; CRLF or LF; RFC 4180 quoting (a quoted field may
-- hold the separator, a line break, and "" for a quote).
--
--   csv.parse(text) -> { delim =, header = { name, ... }, rows = { { line =, fields = {...} }, ... } }
--                    | nil, err                (err names the line)
--       `line` is the line of the file where the record starts (the
--       header is line 1); blank lines are skipped.
--   csv.format(rows, delim) -> text            rows = { {field, ...}, ... };
--       CRLF line ends, fields quoted only when they must be.
--
-- Why not Penlight's pl.data (Debian's lua-penlight, which loads in the
-- engine): its CSV mode forces the comma, keeps a BOM in the first column's
-- name and the CR of CRLF in the last field, does not turn "" into a
-- quote nor allow a line break inside quotes, and reads the file with
-- blocking io; a malformed file would be misread instead of refused.
local M = {}

local BOM = "\239\187\191"

-- The separator of the header line: the more frequent of ; and , outside quotes.
local function delimiter(text)
  local semi, comma, quoted = 0, 0, false
  for i = 1, #text do
    local c = text:sub(i, i)
    if c == '"' then quoted = not quoted
    elseif not quoted then
      if c == "\n" or c == "\r" then break end
      if c == ";" then semi = semi + 1 elseif c == "," then comma = comma + 1 end
    end
  end
  return semi >= comma and semi > 0 and ";" or ","
end

function M.parse(text)
  if type(text) ~= "string" then return nil, "not text" end
  if text:sub(1, 3) == BOM then text = text:sub(4) end
  if not utf8.len(text) then return nil, "the file is not UTF-8" end
  local delim = delimiter(text)
  local records, fields, buf = {}, {}, {}
  local line, start_line = 1, 1
  local i, n = 1, #text
  local function end_field() fields[#fields + 1] = table.concat(buf); buf = {} end
  local function end_record()
    end_field()
    if not (#fields == 1 and fields[1] == "") then records[#records + 1] = { line = start_line, fields = fields } end
    fields = {}
  end
  local at_field_start = true
  while i <= n do
    local c = text:sub(i, i)
    if c == '"' and at_field_start then
      -- a quoted field: up to the closing quote, "" for a quote
      local j, opened = i + 1, line
      while true do
        if j > n then return nil, ("line %d: a quoted field is not closed"):format(opened) end
        local d = text:sub(j, j)
        if d == '"' then
          if text:sub(j + 1, j + 1) == '"' then buf[#buf + 1] = '"'; j = j + 2
          else break end
        else
          if d == "\n" then line = line + 1 end
          buf[#buf + 1] = d
          j = j + 1
        end
      end
      i = j + 1
      local after = text:sub(i, i)
      if after ~= "" and after ~= delim and after ~= "\r" and after ~= "\n" then
        return nil, ("line %d: text after a closing quote"):format(line)
      end
      at_field_start = false
    elseif c == delim then
      end_field()
      at_field_start = true
      i = i + 1
    elseif c == "\r" or c == "\n" then
      end_record()
      if c == "\r" and text:sub(i + 1, i + 1) == "\n" then i = i + 1 end
      i = i + 1
      line = line + 1
      start_line = line
      at_field_start = true
    elseif c == '"' then
      return nil, ("line %d: a quote inside an unquoted field"):format(line)
    else
      buf[#buf + 1] = c
      at_field_start = false
      i = i + 1
    end
  end
  if #buf > 0 or #fields > 0 then end_record() end
  if not records[1] then return nil, "the file is empty" end
  local header = table.remove(records, 1)
  local names = {}
  for k, v in ipairs(header.fields) do names[k] = v:match("^%s*(.-)%s*$") end
  return { delim = delim, header = names, rows = records }
end

local function field(v, delim)
  local s = tostring(v == nil and "" or v)
  if s:find('[' .. delim .. '"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

function M.format(rows, delim)
  delim = delim or ";"
  local out = {}
  for _, r in ipairs(rows) do
    local f = {}
    for k, v in ipairs(r) do f[k] = field(v, delim) end
    out[#out + 1] = table.concat(f, delim) .. "\r\n"
  end
  return table.concat(out)
end

M.BOM = BOM

return M
