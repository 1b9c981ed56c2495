-- engine/lua/pg.lua — the `pg` module: the C binding (engine/lua_pg.c,
-- "pg.core": query, exec_script, ping, stats, null) with the two functions
-- that read best in Lua.
--
-- pg.transaction(fn, ...): the control flow is Lua: fn runs under pcall,
-- which can yield, so fn's queries suspend the unit like any other. fn's
-- error or its `nil, err` rolls back; the connection goes back through
-- <close> even if this function itself is unwound. A transaction left
-- aborted by an error fn ignored is rolled back too: COMMIT would only say
-- "ROLLBACK".
--
-- pg.array(t): a Lua array as PostgreSQL's array literal, for parameters
-- such as `id = ANY($1::int[])` or a text[] column (a table parameter would
-- be sent as JSON). Elements are quoted, so nothing in them is syntax.
local M = require "pg.core"

local pcall, select, type, getmetatable, error, tostring, tonumber =
  pcall, select, type, getmetatable, error, tostring, tonumber
local format, concat, mathtype = string.format, table.concat, math.type
local null = M.null

-- A connection for one transaction, as a to-be-closed pg.tx: not for
-- scripts, which use pg.transaction.
local acquire = M.acquire
M.acquire = nil

local function finish(tx, ok, ...)
  if not ok then
    tx:query("ROLLBACK")
    return nil, (...)
  end
  local first, err = ...
  if first == nil and err ~= nil then
    tx:query("ROLLBACK")
    return nil, err, select(3, ...)
  end
  local st = tx:status()
  if st == "inerror" then
    tx:query("ROLLBACK")
    return nil, "the transaction was aborted by an earlier error", "25P02"
  elseif st == "unknown" then
    return nil, "the connection was lost during the transaction", "closed"
  end
  local res, cerr, code = tx:query("COMMIT")
  if not res then return nil, cerr, code end
  return ...
end

function M.transaction(fn, ...)
  if type(fn) ~= "function" and not (getmetatable(fn) or {}).__call then
    error("bad argument #1 to 'transaction' (function expected, got " .. type(fn) .. ")", 2)
  end
  local tx <close>, err, code = acquire()
  if not tx then return nil, err, code end
  local res, berr, bcode = tx:query("BEGIN")
  if not res then return nil, berr, bcode end
  return finish(tx, pcall(fn, tx, ...))
end

local function literal(t, depth)
  if depth > 6 then error("pg.array: nested deeper than 6 levels", depth + 1) end
  local out = {}
  for i = 1, #t do
    local v = t[i]
    local ty = type(v)
    if v == nil or v == null then out[i] = "NULL"
    elseif ty == "boolean" then out[i] = v and "t" or "f"
    elseif ty == "number" then
      if mathtype(v) == "integer" then out[i] = tostring(v)
      elseif v ~= v then out[i] = "NaN"
      elseif v == 1 / 0 then out[i] = "Infinity"
      elseif v == -1 / 0 then out[i] = "-Infinity"
      else
        local s = format("%.15g", v)
        if tonumber(s) ~= v then s = format("%.17g", v) end
        out[i] = s
      end
    elseif ty == "string" then
      if v:find("\0", 1, true) then error("pg.array: element " .. i .. " contains a zero byte", depth + 1) end
      out[i] = '"' .. v:gsub('[\\"]', "\\%0") .. '"'
    elseif ty == "table" then out[i] = literal(v, depth + 1)
    else error("pg.array: element " .. i .. " is a " .. ty, depth + 1) end
  end
  return "{" .. concat(out, ",") .. "}"
end

function M.array(t)
  if type(t) ~= "table" then error("bad argument #1 to 'array' (table expected, got " .. type(t) .. ")", 2) end
  return literal(t, 1)
end

return M
