-- scripts/cli/payments_export.lua — the body of
--
--   guldasta payments export --from YYYY-MM-DD --to YYYY-MM-DD [FILE]
--
-- the accountant's CSV of a period (shop/payments/export.lua: UTF-8 with a
-- BOM, `;`, one line per payment attempt and per refund owed), written to
-- FILE, or to standard output without one. The count of lines goes to
-- standard error, so the output stays the file alone.
local fs = require "fs"
local payments = require "shop.payments.export"
local cli = require "lib.cli"

local failed = cli.failer("payments export")
local USAGE = "usage: guldasta payments export --from YYYY-MM-DD --to YYYY-MM-DD [FILE]"

local args = { ... }
local from, to, file
local i = 1
while i <= #args do
  local a = args[i]
  if a == "--from" then from, i = args[i + 1], i + 2
  elseif a == "--to" then to, i = args[i + 1], i + 2
  elseif a:sub(1, 2) == "--" then return failed("unknown option ", a, "\n", USAGE)
  elseif not file then file, i = a, i + 1
  else return failed("one FILE only\n", USAGE) end
end
if not (from and to) then return failed("--from and --to are required\n", USAGE) end
for _, d in ipairs { from, to } do
  if not payments.valid_date(d) then return failed("not a date (YYYY-MM-DD): ", tostring(d)) end
end
if from > to then return failed("--from ", from, " is after --to ", to) end

local csv, count = payments.csv(from, to)
if not csv then return failed("cannot export: ", tostring(count)) end
if file then
  local ok, err = fs.write(file, csv)
  if not ok then return failed(file, ": ", tostring(err)) end
else
  io.stdout:write(csv)
  io.stdout:flush()
end
io.stderr:write(("%d lines, %s .. %s\n"):format(count, from, to))
