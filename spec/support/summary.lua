-- spec/support/summary.lua — busted output: the plain terminal report, plus
-- one machine-readable line that tools/test.sh adds into `make test`'s total.
return function(options)
  local busted = require "busted"
  local handler = require "busted.outputHandlers.plainTerminal" (options)
  busted.subscribe({ "suite", "end" }, function()
    io.write(string.format("SPEC SUMMARY: passed=%d failed=%d\n",
      #handler.successes, #handler.failures + #handler.errors))
    io.flush()
    return nil, true
  end)
  return handler
end
