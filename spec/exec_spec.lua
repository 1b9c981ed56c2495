-- spec/exec_spec.lua — the product's exec binding: one program, an argv
-- and no shell, stdin in, stdout out, and every way it can go wrong as nil,
-- message, code; the loop keeps serving while a program runs. The product
-- binary has it too (spec/devkit_binary_spec.lua).
local exec = require "exec"
local engine = require "engine"
local timer = require "timer"

describe("exec.run", function()
  it("returns the program's stdout, its stdin given", function()
    assert.are.equal("hello\n", exec.run { "echo", "hello" })
    local bytes = ("\0\1\2 роза\n"):rep(10000)
    assert.are.equal(bytes, exec.run({ "cat" }, { stdin = bytes }))
  end)

  it("passes arguments as they are, with no shell", function()
    assert.are.equal("$HOME; echo no\n", exec.run { "echo", "$HOME; echo no" })
  end)

  it("reports a program that does not exist", function()
    local ok, err, code = exec.run { "guldasta-no-such-program" }
    assert.is_nil(ok)
    assert.are.equal("enoent", code)
    assert.truthy(err:find("guldasta-no-such-program", 1, true), err)
  end)

  it("reports a non-zero exit with the start of stderr", function()
    local ok, err, code = exec.run { "/bin/sh", "-c", "echo bad input >&2; exit 3" }
    assert.is_nil(ok)
    assert.are.equal("exit", code)
    assert.truthy(err:find("exit status 3", 1, true), err)
    assert.truthy(err:find("bad input", 1, true), err)
    local none, _, false_code = exec.run { "false" }
    assert.is_nil(none)
    assert.are.equal("exit", false_code)
  end)

  it("kills a program past its timeout, and what it started", function()
    local t0 = timer.monotonic()
    local ok, err, code = exec.run({ "/bin/sh", "-c", "sleep 30; echo never" }, { timeout = 0.3 })
    assert.is_nil(ok)
    assert.are.equal("timeout", code, err)
    assert.is_true(timer.monotonic() - t0 < 5)
  end)

  it("kills a program that writes more than max_output", function()
    local ok, err, code = exec.run({ "yes" }, { max_output = 4096, timeout = 20 })
    assert.is_nil(ok)
    assert.are.equal("too_big", code, err)
  end)

  it("reports a program a signal ended", function()
    local ok, err, code = exec.run { "/bin/sh", "-c", "kill -TERM $$" }
    assert.is_nil(ok)
    assert.are.equal("signal", code)
    assert.truthy(err:find("SIGTERM", 1, true), err)
  end)

  it("does not hold up other units of work", function()
    local ticks = 0
    local h = engine.spawn(function()
      for _ = 1, 5 do timer.sleep(0.02); ticks = ticks + 1 end
    end)
    assert.are.equal("", exec.run { "sleep", "0.5" })
    assert.are.equal(5, ticks)
    assert.is_true(h:wait())
  end)

  it("raises on a programming error", function()
    assert.has_error(function() exec.run "echo hi" end)
    assert.has_error(function() exec.run {} end)
    assert.has_error(function() exec.run { "echo", 1 } end)
    assert.has_error(function() exec.run({ "echo" }, { timeout = -1 }) end)
    assert.has_error(function() exec.run({ "cat" }, { stdin = {} }) end)
  end)
end)
