-- spec/proc_spec.lua — the proc binding: run a command and collect what it
-- says, or start one in the background and manage it.
local proc = require "proc"
local fs = require "fs"
local timer = require "timer"

describe("proc.run", function()
  it("captures stdout, stderr and the exit code", function()
    local res = assert(proc.run { "/bin/sh", "-c", "echo out; echo err >&2; exit 7" })
    assert.are.equal("out\n", res.stdout)
    assert.are.equal("err\n", res.stderr)
    assert.are.equal(7, res.code)
    assert.is_nil(res.signal)
  end)

  it("passes arguments untouched, no shell in between", function()
    local res = assert(proc.run { "printf", "%s|", "a b", "$HOME", "'q'", "" })
    assert.are.equal("a b|$HOME|'q'||", res.stdout)
    assert.are.equal(0, res.code)
  end)

  it("runs a string through /bin/sh -c", function()
    local res = assert(proc.run "echo one two | wc -w")
    assert.are.equal("2", res.stdout:match("%d+"))
  end)

  it("feeds stdin", function()
    local res = assert(proc.run({ "tr", "a-z", "A-Z" }, { stdin = "guldasta" }))
    assert.are.equal("GULDASTA", res.stdout)
  end)

  it("moves a megabyte each way", function()
    local big = ("0123456789abcdef"):rep(65536)
    local res = assert(proc.run({ "cat" }, { stdin = big }))
    assert.are.equal(#big, #res.stdout)
    assert.is_true(res.stdout == big)
  end)

  it("runs in opts.cwd", function()
    local res = assert(proc.run({ "pwd" }, { cwd = "/tmp" }))
    assert.are.equal("/tmp\n", res.stdout)
  end)

  it("merges opts.env over the engine's environment", function()
    local res = assert(proc.run({ "/bin/sh", "-c", 'echo "$FLOWER|$PATH"' },
      { env = { FLOWER = "rayhon" } }))
    local flower, path = res.stdout:match("^(.-)|(.-)\n$")
    assert.are.equal("rayhon", flower)
    assert.are.equal(os.getenv("PATH"), path)
  end)

  it("removes a variable set to false and accepts numbers", function()
    local res = assert(proc.run({ "/bin/sh", "-c", 'echo "${HOME-unset}|$N"' },
      { env = { HOME = false, N = 42 } }))
    assert.are.equal("unset|42\n", res.stdout)
  end)

  it("reports a program that does not exist", function()
    local res, err, code = proc.run { "guldasta-no-such-program" }
    assert.is_nil(res)
    assert.are.equal("enoent", code)
    assert.truthy(err:find("guldasta-no-such-program", 1, true))
  end)

  it("reports a missing cwd", function()
    local res, _, code = proc.run({ "true" }, { cwd = "/no/such/dir" })
    assert.is_nil(res)
    assert.are.equal("enoent", code)
  end)

  it("kills on timeout, with the children the command started", function()
    local t0 = timer.monotonic()
    local res, err, code, partial = proc.run({ "/bin/sh", "-c", "echo started; sleep 30; echo never" },
      { timeout = 0.3 })
    assert.is_nil(res)
    assert.are.equal("timeout", code)
    assert.is_string(err)
    assert.are.equal("started\n", partial.stdout)
    assert.are.equal("KILL", partial.signal)
    assert.are.equal(128 + 9, partial.code)
    assert.is_true(timer.monotonic() - t0 < 3)
  end)

  it("reports a process ended by a signal", function()
    local res = assert(proc.run { "/bin/sh", "-c", "kill -TERM $$" })
    assert.are.equal("TERM", res.signal)
    assert.are.equal(128 + 15, res.code)
  end)

  it("returns soon when the command leaves a daemon holding its output", function()
    local t0 = timer.monotonic()
    local res = assert(proc.run { "/bin/sh", "-c", "sleep 2 & echo ok" })
    assert.are.equal("ok\n", res.stdout)
    assert.is_true(timer.monotonic() - t0 < 1.5)
  end)

  it("lets other tasks run while it waits", function()
    local ticks = 0
    local t = timer.every(0.01, function() ticks = ticks + 1 end)
    assert(proc.run { "sleep", "0.2" })
    t:stop()
    assert.is_true(ticks >= 5, "ticks: " .. ticks)
  end)

  it("raises on bad arguments", function()
    assert.has_error(function() proc.run {} end)
    assert.has_error(function() proc.run({ "true" }, { timeout = -1 }) end)
    assert.has_error(function() proc.run({ "true" }, { env = { X = {} } }) end)
    assert.has_error(function() proc.run { {} } end)
  end)
end)

describe("proc.spawn", function()
  local dir

  setup(function()
    dir = assert(proc.run { "mktemp", "-d", "/tmp/guldasta-proc-spec-XXXXXX" }).stdout:gsub("%s+$", "")
  end)

  teardown(function()
    if dir then proc.run { "rm", "-rf", dir } end
  end)

  it("runs in the background and waits for the exit code", function()
    local h = assert(proc.spawn({ "/bin/sh", "-c", "sleep 0.1; exit 4" }, { stdout = false }))
    assert.is_true(h:running())
    assert.is_true(h:pid() > 0)
    local code, sig = h:wait()
    assert.are.equal(4, code)
    assert.is_nil(sig)
    assert.is_false(h:running())
    -- waiting again answers at once
    assert.are.equal(4, (h:wait()))
  end)

  it("kills by signal name or number", function()
    local h = assert(proc.spawn { "sleep", "30" })
    assert.is_true(h:kill("TERM"))
    local code, sig = h:wait(5)
    assert.are.equal("TERM", sig)
    assert.are.equal(128 + 15, code)
    local h2 = assert(proc.spawn { "sleep", "30" })
    assert.is_true(h2:kill(9))
    assert.are.equal("KILL", select(2, h2:wait(5)))
    local h3 = assert(proc.spawn { "sleep", "30" })
    assert.is_true(h3:kill())          -- TERM by default
    assert.are.equal("TERM", select(2, h3:wait(5)))
  end)

  it("says so when killing a process that has exited", function()
    local h = assert(proc.spawn { "true" })
    h:wait()
    local ok, _, code = h:kill("TERM")
    assert.is_nil(ok)
    assert.are.equal("esrch", code)
    assert.has_error(function() h:kill("NOSUCHSIGNAL") end)
  end)

  it("times out a wait without touching the process", function()
    local h = assert(proc.spawn { "sleep", "30" })
    local code, err, ecode = h:wait(0.1)
    assert.is_nil(code)
    assert.is_string(err)
    assert.are.equal("timeout", ecode)
    assert.is_true(h:running())
    h:kill("KILL")
    h:wait()
  end)

  it("wakes every task waiting on the same process", function()
    local h = assert(proc.spawn { "sleep", "0.2" })
    local woken = 0
    for _ = 1, 3 do
      timer.after(0, function()
        local code = h:wait()
        if code == 0 then woken = woken + 1 end
      end)
    end
    assert.are.equal(0, (h:wait()))
    timer.sleep(0.05)
    assert.are.equal(3, woken)
  end)

  it("sends stdout and stderr to files", function()
    local out, err = dir .. "/out.log", dir .. "/err.log"
    local h = assert(proc.spawn({ "/bin/sh", "-c", "echo to-out; echo to-err >&2" },
      { stdout = out, stderr = err }))
    assert.are.equal(0, (h:wait()))
    assert.are.equal("to-out\n", fs.read(out))
    assert.are.equal("to-err\n", fs.read(err))
  end)

  it("appends both streams to one file", function()
    local log = dir .. "/both.log"
    assert(fs.write(log, "before\n"))
    local h = assert(proc.spawn({ "/bin/sh", "-c", "echo a; echo b >&2; echo c" },
      { stdout = log, stderr = log }))
    h:wait()
    assert.are.equal("before\na\nb\nc\n", fs.read(log))
  end)

  it("passes env, cwd and stdin", function()
    local out = dir .. "/env.log"
    local h = assert(proc.spawn({ "/bin/sh", "-c", 'pwd; echo "$K"; cat' },
      { env = { K = "v" }, cwd = dir, stdin = "from stdin", stdout = out }))
    h:wait()
    assert.are.equal(dir .. "\nv\nfrom stdin", fs.read(out))
  end)

  it("reports a program that does not exist and an unwritable log", function()
    local h, _, code = proc.spawn { "guldasta-no-such-program" }
    assert.is_nil(h)
    assert.are.equal("enoent", code)
    h, _, code = proc.spawn({ "true" }, { stdout = "/no/such/dir/log" })
    assert.is_nil(h)
    assert.are.equal("enoent", code)
  end)

  it("keeps a dropped handle's process running and cleans up after it", function()
    local marker = dir .. "/dropped"
    proc.spawn({ "/bin/sh", "-c", "sleep 0.2; echo done > " .. marker })
    collectgarbage()
    collectgarbage()
    local deadline = timer.monotonic() + 5
    while not fs.stat(marker) and timer.monotonic() < deadline do timer.sleep(0.05) end
    assert.are.equal("done\n", fs.read(marker))
  end)

  it("prints as a proc", function()
    local h = assert(proc.spawn { "true" })
    assert.truthy(tostring(h):find("^proc %(pid %d+"))
    h:wait()
  end)
end)
