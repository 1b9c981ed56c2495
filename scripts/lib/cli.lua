-- scripts/lib/cli.lua — what the bodies of `guldasta migrate`, `seed`,
-- `stock` and `catalog` share: a line on stdout, and failing with a line on stderr and a
-- non-zero exit code (the command's, through engine.exit).
local engine = require "engine"

local M = {}

function M.say(...)
  io.stdout:write(...)
  io.stdout:write("\n")
  io.stdout:flush()
end

-- Returns failed(...) for a command called `name`: "name: ..." on stderr, exit 1.
function M.failer(name)
  return function(...)
    io.stderr:write(name, ": ", ...)
    io.stderr:write("\n")
    io.stderr:flush()
    engine.exit(1)
  end
end

-- The `export [FILE]` / `import FILE [--apply]` commands of a CSV
-- (`guldasta stock`, `guldasta catalog`): args parsed, the right one
-- called as export(file_or_nil) or import(file, apply); fail(usage) else.
function M.export_import(args, fail, usage, export, import)
  local cmd = args[1]
  if cmd == "export" then
    if args[3] then return fail(usage) end
    return export(args[2])
  elseif cmd == "import" then
    local file, apply = nil, false
    for i = 2, #args do
      if args[i] == "--apply" then apply = true
      elseif not file then file = args[i]
      else return fail(usage) end
    end
    if not file then return fail(usage) end
    return import(file, apply)
  end
  return fail(usage)
end

-- The CSV FILE read and parsed (lib/csv.lua), or nil after failing with
-- the reason ("nothing changed").
function M.read_csv(fail, file)
  local text, err = require("fs").read(file)
  if not text then return fail(file, ": ", tostring(err)) end
  local parsed, perr = require("lib.csv").parse(text)
  if not parsed then return fail(file, ": ", perr, "; nothing changed") end
  return parsed
end

-- An import's refused line: "line N: CODE: refused: why", the why from
-- reasons[kind](params), kind the last part of the result's reason key.
function M.refused_line(r, reasons)
  local kind = r.reason:match("[^.]+$")
  return ("line %d: %s: refused: %s"):format(r.line, r.code ~= "" and r.code or "-", reasons[kind](r.params or {}))
end

-- An import's last line, "N changed, N unchanged, N refused", and exit 1
-- when a line was refused or --apply applied nothing.
function M.totals(totals, apply, applied)
  M.say(("%d changed, %d unchanged, %d refused"):format(totals.changed, totals.unchanged, totals.refused))
  if totals.refused > 0 or (apply and not applied) then engine.exit(1) end
end

-- Writes an export: to standard output without a file, else to the file
-- with "<name>: N <what> written to FILE" on stderr.
function M.write_export(fail, name, file, text, n, what)
  if not file then
    io.stdout:write(text)
    io.stdout:flush()
    return
  end
  local ok, err = require("fs").write(file, text)
  if not ok then return fail(file, ": ", tostring(err)) end
  io.stderr:write(("%s: %d %s written to %s\n"):format(name, n, what, file))
end

return M
