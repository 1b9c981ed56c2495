-- spec/support/summary.lua — busted output: the plain terminal report, the
-- slowest spec files (where the suite's time goes), and one
-- machine-readable line that tools/test.sh adds into `make test`'s total.
local timer = require "timer"

local SLOWEST_SHOWN = 8

return function(options)
  local busted = require "busted"
  local handler = require "busted.outputHandlers.plainTerminal" (options)
  local started, took = {}, {}
  busted.subscribe({ "file", "start" }, function(file)
    started[file.name] = timer.monotonic()
    return nil, true
  end)
  busted.subscribe({ "file", "end" }, function(file)
    if started[file.name] then took[#took + 1] = { name = file.name, s = timer.monotonic() - started[file.name] } end
    return nil, true
  end)
  busted.subscribe({ "suite", "end" }, function()
    if #took > 1 then
      table.sort(took, function(a, b) return a.s > b.s end)
      io.write("slowest spec files:")
      for i = 1, math.min(SLOWEST_SHOWN, #took) do
        io.write(string.format(" %s %.0fs", took[i].name:match("[^/]+$"), took[i].s))
      end
      io.write("\n")
    end
    io.write(string.format("SPEC SUMMARY: passed=%d failed=%d\n",
      #handler.successes, #handler.failures + #handler.errors))
    io.flush()
    return nil, true
  end)
  return handler
end
