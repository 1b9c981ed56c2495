-- spec/support/schema_doc.lua — reads the Mermaid ER diagram of docs/schema.md
-- and compares it with a database's catalog, for spec/docs_schema_spec.lua.
--
--   local doc = schema_doc.parse(markdown_text)        -- tables, relationships, errors
--   local drift = schema_doc.compare(doc, db)           -- { "orders.x is ...", ... }
--
-- `db` is what schema_doc.CATALOG_SQL returns, as the spec collects it:
-- { columns = rows of (table_name, column_name, udt_name, is_nullable),
--   constraints = rows of (tbl, contype p|f|u, cols "a,b", ref) }.
-- Every difference becomes one sentence naming the table and column, so a
-- failing build says exactly what to fix on which side.
local M = {}

M.DOC = "docs/schema.md"

-- Columns and keys of every table in the public schema. udt_name is the
-- type's own name (int8, _text), which does not depend on how it was spelt.
M.CATALOG_SQL = {
  columns = [[
    SELECT c.table_name, c.column_name, c.udt_name, c.is_nullable
      FROM information_schema.columns c
      JOIN information_schema.tables t USING (table_schema, table_name)
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name, c.ordinal_position]],
  constraints = [[
    SELECT c.conrelid::regclass::text AS tbl, c.contype::text AS contype,
           coalesce(c.confrelid::regclass::text, '') AS ref,
           (SELECT string_agg(a.attname, ',' ORDER BY k.i)
              FROM unnest(c.conkey) WITH ORDINALITY AS k(n, i)
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS cols
      FROM pg_constraint c
     WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('p', 'f', 'u')
     ORDER BY 1, 2, 4]],
}

-- {======================================================================
-- Types: the diagram's spelling -> PostgreSQL's udt_name, and back
-- =======================================================================

local ALIASES = {
  bigint = "int8", int8 = "int8", integer = "int4", int = "int4", int4 = "int4",
  smallint = "int2", int2 = "int2", boolean = "bool", bool = "bool",
  text = "text", varchar = "varchar", jsonb = "jsonb", json = "json",
  date = "date", time = "time", timetz = "timetz", timestamptz = "timestamptz",
  timestamp = "timestamp", float8 = "float8", double = "float8", float4 = "float4",
  real = "float4", numeric = "numeric", uuid = "uuid", bytea = "bytea",
}
local SPELLING = {
  int8 = "bigint", int4 = "integer", int2 = "smallint", bool = "boolean",
}

-- The udt_name a diagram type stands for, or nil when unknown. `text[]` is `_text`.
function M.udt(t)
  local base = t:match("^(.-)%[%]$")
  if base then
    local u = ALIASES[base]
    return u and "_" .. u
  end
  return ALIASES[t]
end

-- How the diagram writes a udt_name: `_int8` -> `bigint[]`.
function M.spelling(udt)
  local base = udt:match("^_(.+)$")
  if base then return (SPELLING[base] or base) .. "[]" end
  return SPELLING[udt] or udt
end

-- }======================================================================

-- {======================================================================
-- Reading the diagram
-- =======================================================================

local KEYS = { PK = true, FK = true, UK = true }

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

-- One attribute line: `type name [PK, FK] ["comment"]`.
local function attribute(line)
  local ty, name, rest = line:match("^%s*([%w_]+%[?%]?)%s+([%w_]+)(.*)$")
  if not ty then return nil end
  rest = trim(rest)
  local comment_start = rest:find('"', 1, true)
  if comment_start then
    if not rest:sub(comment_start):match('^"[^"]*"$') then return nil end
    rest = trim(rest:sub(1, comment_start - 1))
  end
  local keys = {}
  if rest ~= "" then
    for k in (rest .. ","):gmatch("([^,]*),") do
      k = trim(k)
      if not KEYS[k] then return nil end
      keys[k] = true
    end
  end
  return { type = ty, name = name, keys = keys }
end

-- One relationship line: `a ||--o{ b : "label"`.
local function relationship(line)
  local a, left, right, b, label =
    line:match("^%s*([%w_]+)%s+([|}][|o])%-%-([|o][|{])%s+([%w_]+)%s*:%s*(.-)%s*$")
  if not a then
    a, left, right, b, label =
      line:match("^%s*([%w_]+)%s+([|}][|o])%.%.([|o][|{])%s+([%w_]+)%s*:%s*(.-)%s*$")
  end
  if not a then return nil end
  label = label:match('^"(.*)"$') or label
  return { parent = a, child = b, left = left, right = right, label = label }
end

-- The erDiagram blocks of a Markdown text (```mermaid fences), as
-- { tables = { name = { columns = { name = attr }, order = { names } } },
--   relationships = { rel, ... }, errors = { "docs/schema.md line N: ..." } }.
-- Several blocks are read as one diagram.
function M.parse(text)
  local doc = { tables = {}, relationships = {}, errors = {} }
  local function err(n, msg) doc.errors[#doc.errors + 1] = string.format("%s line %d: %s", M.DOC, n, msg) end
  local in_fence, in_er, entity = false, false, nil
  local n = 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    n = n + 1
    if not in_fence then
      if line:match("^%s*```+%s*mermaid%s*$") then in_fence, in_er = true, nil end
    elseif line:match("^%s*```+%s*$") then
      if entity then err(n, "the block of " .. entity.name .. " is not closed with }") end
      in_fence, in_er, entity = false, nil, nil
    elseif in_er == nil then
      if trim(line) ~= "" then in_er = trim(line) == "erDiagram" end
    elseif in_er and trim(line) ~= "" and not line:match("^%s*%%%%") then
      if entity then
        if line:match("^%s*}%s*$") then
          entity = nil
        else
          local a = attribute(line)
          if not a then
            err(n, "cannot read the column line '" .. trim(line) .. "' (want: type name [PK, FK, UK] [\"comment\"])")
          elseif entity.columns[a.name] then
            err(n, entity.name .. "." .. a.name .. " is listed twice")
          else
            a.line = n
            entity.columns[a.name] = a
            entity.order[#entity.order + 1] = a.name
          end
        end
      else
        local name = line:match("^%s*([%w_]+)%s*{%s*$")
        if name then
          entity = doc.tables[name] or { name = name, columns = {}, order = {}, line = n }
          doc.tables[name] = entity
        else
          local r = relationship(line)
          if r then
            r.line = n
            doc.relationships[#doc.relationships + 1] = r
          else
            err(n, "cannot read '" .. trim(line) .. "' (want: a table block or `a ||--o{ b : \"column\"`)")
          end
        end
      end
    end
  end
  return doc
end

-- }======================================================================

-- {======================================================================
-- The database's side
-- =======================================================================

-- { tables = { name = { columns = { name = { udt =, nullable = } }, order } },
--   pk = { "t.c" = true }, uk = { "t.c" = true }, fk = { "t.c" = true },
--   fkeys = { { table =, cols =, ref = } } }
local function model(db)
  local m = { tables = {}, pk = {}, uk = {}, fk = {}, fkeys = {}, unique_sets = {} }
  for _, r in ipairs(db.columns) do
    local t = m.tables[r.table_name]
    if not t then
      t = { columns = {}, order = {} }
      m.tables[r.table_name] = t
    end
    t.columns[r.column_name] = { udt = r.udt_name, nullable = r.is_nullable == "YES" }
    t.order[#t.order + 1] = r.column_name
  end
  for _, c in ipairs(db.constraints) do
    local cols = {}
    for col in c.cols:gmatch("[^,]+") do cols[#cols + 1] = col end
    if c.contype == "f" then
      m.fkeys[#m.fkeys + 1] = { table = c.tbl, cols = cols, ref = c.ref }
      for _, col in ipairs(cols) do m.fk[c.tbl .. "." .. col] = true end
    else
      -- a key of one column makes at most one row per value
      m.unique_sets[c.tbl .. "." .. c.cols] = true
      if c.contype == "p" then
        for _, col in ipairs(cols) do m.pk[c.tbl .. "." .. col] = true end
      elseif #cols == 1 then
        m.uk[c.tbl .. "." .. cols[1]] = true
      end
    end
  end
  return m
end

local function sorted_keys(t)
  local list = {}
  for k in pairs(t) do list[#list + 1] = k end
  table.sort(list)
  return list
end

-- The line the diagram should have for a foreign key.
local function expected_line(m, fkey)
  local nullable = false
  for _, col in ipairs(fkey.cols) do
    if m.tables[fkey.table].columns[col].nullable then nullable = true end
  end
  local unique = m.unique_sets[fkey.table .. "." .. table.concat(fkey.cols, ",")]
  return (nullable and "|o" or "||"), (unique and "o|" or "o{")
end

-- }======================================================================

local KEY_WORDS = { PK = "a primary key", FK = "a foreign key", UK = "unique on its own" }

-- Every difference between the diagram and the database, one sentence each,
-- in a stable order (the diagram's own reading errors first).
function M.compare(doc, db)
  local m = model(db)
  local out = {}
  local function say(fmt, ...) out[#out + 1] = string.format(fmt, ...) end
  for _, e in ipairs(doc.errors) do out[#out + 1] = e end

  for _, tname in ipairs(sorted_keys(m.tables)) do
    local t, d = m.tables[tname], doc.tables[tname]
    if not d then
      say("table %s is in the database but not in %s", tname, M.DOC)
    else
      for _, cname in ipairs(t.order) do
        local c, a, id = t.columns[cname], d.columns[cname], tname .. "." .. cname
        if not a then
          say("%s is in the database but not in %s", id, M.DOC)
        else
          local want = M.udt(a.type)
          if not want then
            say("%s has the type '%s' in %s, which the spec does not know as a PostgreSQL type (the database has %s)",
                id, a.type, M.DOC, M.spelling(c.udt))
          elseif want ~= c.udt then
            say("%s is %s in the database but %s in %s", id, M.spelling(c.udt), a.type, M.DOC)
          end
          for _, k in ipairs { "PK", "FK", "UK" } do
            local is = (k == "PK" and m.pk or k == "FK" and m.fk or m.uk)[id] or false
            if is and not a.keys[k] then
              say("%s is %s in the database but not marked %s in %s", id, KEY_WORDS[k], k, M.DOC)
            elseif a.keys[k] and not is then
              say("%s is marked %s in %s but is not %s in the database", id, k, M.DOC, KEY_WORDS[k])
            end
          end
        end
      end
      for _, cname in ipairs(d.order) do
        if not t.columns[cname] then
          say("%s.%s is in %s (line %d) but not in the database", tname, cname, M.DOC, d.columns[cname].line)
        end
      end
    end
  end
  for _, tname in ipairs(sorted_keys(doc.tables)) do
    if not m.tables[tname] then
      say("table %s is in %s (line %d) but not in the database", tname, M.DOC, doc.tables[tname].line)
    end
  end

  -- Foreign keys <-> relationships, matched by (referenced, referencing, columns).
  local drawn = {}
  for _, r in ipairs(doc.relationships) do
    local key = r.parent .. ">" .. r.child .. ">" .. r.label:gsub("%s", "")
    if drawn[key] then
      say("%s line %d draws %s -> %s : %s a second time", M.DOC, r.line, r.child, r.parent, r.label)
    end
    drawn[key] = r
  end
  local used = {}
  for _, f in ipairs(m.fkeys) do
    local label = table.concat(f.cols, ",")
    local key = f.ref .. ">" .. f.table .. ">" .. label
    local left, right = expected_line(m, f)
    local want = string.format('%s %s--%s %s : "%s"', f.ref, left, right, f.table, label)
    local r = drawn[key]
    if not r then
      say("the foreign key %s.%s -> %s is in the database but not a relationship in %s (add: %s)",
          f.table, label, f.ref, M.DOC, want)
    else
      used[key] = true
      if r.left ~= left or r.right ~= right then
        say("%s line %d draws %s.%s -> %s as %s--%s, the database says %s--%s (%s)",
            M.DOC, r.line, f.table, label, f.ref, r.left, r.right, left, right,
            left == "||" and "the column is NOT NULL" or "the column may be NULL")
      end
    end
  end
  for _, r in ipairs(doc.relationships) do
    local key = r.parent .. ">" .. r.child .. ">" .. r.label:gsub("%s", "")
    if not used[key] then
      say("%s line %d draws %s.%s -> %s, but the database has no such foreign key",
          M.DOC, r.line, r.child, r.label, r.parent)
      used[key] = true
    end
  end
  return out
end

return M
