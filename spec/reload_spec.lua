-- spec/reload_spec.lua — rules/, templates/ and scripts/ reload without a
-- restart; a broken edit is refused and the previous generation keeps
-- serving; a request in flight finishes on the generation it started in.
local server = require "support.server"
local root = require "support.root"
local engine = require "engine"
local fs = require "fs"
local proc = require "proc"
local timer = require "timer"

local function body(s, path)
  local res = assert(s:get(path))
  return res.body, res.status
end

local function edit(dir, file, from, to)
  local path = dir .. "/" .. file
  local text = assert(fs.read(path))
  local changed, n = text:gsub(from, to)
  assert(n > 0, "pattern not found in " .. file)
  assert(fs.write(path, changed))
  return text
end

describe("hot reload", function()
  describe("on file change", function()
    local dir, s
    setup(function()
      dir = root.make()
      s = server.start { root = dir }
    end)
    teardown(function()
      if s then s:stop() end
      server.remove_root(dir)
    end)

    it("picks up an edited rule", function()
      assert.are.equal("1 234 567|сум", body(s, "/probe"))
      edit(dir, "rules/money.lua", 'THOUSANDS_SEPARATOR = " "', 'THOUSANDS_SEPARATOR = "."')
      server.eventually(function() return body(s, "/probe") == "1.234.567|сум" end, 10, "the new rule")
      -- selfcheck expects spaces: make it agree, and the next reload is accepted
    end)

    it("picks up an edited template", function()
      edit(dir, "templates/ru.lua", 'currency = "сум"', 'currency = "сўм"')
      server.eventually(function() return body(s, "/probe"):find("сўм", 1, true) end, 10, "the new template")
    end)

    it("refuses a rule with a syntax error and keeps the old generation", function()
      local gen_before = body(s, "/gen")
      local good = edit(dir, "rules/money.lua", "local M = {}", "local M = {")
      server.eventually(function() return s:log():find("reload refused", 1, true) end, 10, "the refusal")
      local log = s:log()
      assert.truthy(log:find("rules/money.lua:%d+:"), "the log names file and line")
      assert.are.equal(gen_before, body(s, "/gen"))
      assert.truthy(body(s, "/probe"):find("1.234.567", 1, true))
      local metrics = body(s, "/metrics")
      assert.truthy(metrics:find("guldasta_reload_failures_total [1-9]"), metrics)
      assert(fs.write(dir .. "/rules/money.lua", good))
      server.eventually(function() return body(s, "/gen") ~= gen_before end, 10, "recovery")
    end)

    it("refuses a rule whose selfcheck fails", function()
      local gen_before = body(s, "/gen")
      edit(dir, "rules/money.lua", "TIYIN_PER_SOM = 100", "TIYIN_PER_SOM = 1000")
      server.eventually(function() return s:log():find("selfcheck failed", 1, true) end, 10, "the refusal")
      assert.are.equal(gen_before, body(s, "/gen"))
      edit(dir, "rules/money.lua", "TIYIN_PER_SOM = 1000", "TIYIN_PER_SOM = 100")
      server.eventually(function() return body(s, "/gen") ~= gen_before end, 10, "recovery")
    end)

    it("refuses a rule that loops forever at load time, and keeps serving", function()
      local gen_before = body(s, "/gen")
      local good = edit(dir, "rules/money.lua", "local M = {}", "while true do end local M = {}")
      server.eventually(function() return s:log():find("instruction budget", 1, true) end, 10, "the refusal")
      assert.are.equal(gen_before, body(s, "/gen"))
      assert(fs.write(dir .. "/rules/money.lua", good))
      server.eventually(function() return body(s, "/gen") ~= gen_before end, 10, "recovery")
    end)

    it("watches a directory created after start-up", function()
      local gen0 = body(s, "/gen")
      assert(proc.run { "mkdir", dir .. "/scripts/added_later" })
      -- creating it is a change of scripts/: one reload
      server.eventually(function() return body(s, "/gen") ~= gen0 end, 10, "the reload for the new directory")
      timer.sleep(0.3)                -- past the debounce: the next change is a reload of its own
      local gen1 = body(s, "/gen")
      assert(fs.write(dir .. "/scripts/added_later/note.lua", "return 1\n"))
      server.eventually(function() return body(s, "/gen") ~= gen1 end, 10, "a reload for a file inside it")
    end)
  end)

  describe("on SIGHUP", function()
    local dir, s
    setup(function()
      dir = root.make()
      s = server.start { root = dir, env = { GULDASTA_WATCH = "0" } }
    end)
    teardown(function()
      if s then s:stop() end
      server.remove_root(dir)
    end)

    it("reloads only when told, and a request in flight finishes on its generation", function()
      local gen_before = body(s, "/gen")
      edit(dir, "templates/ru.lua", 'currency = "сум"', 'currency = "SUM"')
      timer.sleep(0.5)
      assert.truthy(body(s, "/probe"):find("сум", 1, true), "no reload without SIGHUP")

      local slow = engine.spawn(function() return s:get("/slow") end)
      timer.sleep(0.2)  -- /slow is now asleep inside the old generation
      s:signal("HUP")
      server.eventually(function() return body(s, "/gen") ~= gen_before end, 10, "the new generation")
      assert.truthy(body(s, "/probe"):find("SUM", 1, true))
      local ok, res = slow:wait()
      assert.is_true(ok)
      assert.are.equal(200, res.status)
      assert.are.equal(gen_before, res.body)
    end)
  end)
end)

describe("guldasta check", function()
  local dir
  setup(function() dir = root.make() end)
  teardown(function() server.remove_root(dir) end)

  local function check()
    return assert(proc.run({ engine.executable(), "check" }, { env = { GULDASTA_ROOT = dir } }))
  end

  it("passes on the project as it is", function()
    local r = check()
    assert.are.equal(0, r.code, r.stderr)
  end)

  it("fails with file, line and message on a broken rule", function()
    edit(dir, "rules/money.lua", "local M = {}", "local M = {")
    local r = check()
    assert.are_not.equal(0, r.code)
    assert.truthy(r.stderr:find("rules/money.lua:%d+:"), r.stderr)
  end)

  it("fails on a syntax error in a script that is only required lazily", function()
    edit(dir, "rules/money.lua", "local M = {\n", "local M = {}\n")
    assert(fs.write(dir .. "/scripts/lazy.lua", "return function( end"))
    local r = check()
    assert.are_not.equal(0, r.code)
    assert.truthy(r.stderr:find("scripts/lazy.lua:1:"), r.stderr)
  end)
end)
