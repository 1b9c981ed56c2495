-- spec/sandbox_spec.lua — what a file under rules/ can and cannot do.
local engine = require "engine"

local function rule(src)
  local m, err = engine.load_rule("spec_rule", src)
  assert(m, err)
  return m
end

local function call_fails(src, pattern)
  local m = rule("return { f = function() " .. src .. " end }")
  local v, code, msg = m.f()
  assert.is_nil(v)
  assert.are.equal("rule_failed", code)
  assert.truthy(msg:find(pattern), "message was: " .. tostring(msg))
end

describe("rules sandbox", function()
  it("runs a pure rule and returns its values", function()
    local m = rule([[
      local ODD_UP_TO = 25
      return { odd = function(n) return n > ODD_UP_TO or n % 2 == 1, "ok" end }
    ]])
    assert.are.same({ true, "ok" }, { m.odd(7) })
    assert.are.same({ false, "ok" }, { m.odd(8) })
  end)

  it("has no io, no debug, no os beyond time, date and clock", function()
    local m = rule([[
      return { f = function()
        return io == nil, debug == nil, os.execute == nil, os.getenv == nil,
               type(os.time()), type(os.date("%Y")), type(os.clock()), package == nil,
               collectgarbage == nil, dofile == nil, loadfile == nil, coroutine == nil
      end }
    ]])
    assert.are.same({ true, true, true, true, "number", "string", "number", true, true, true, true, true },
      { m.f() })
  end)

  it("refuses require of C modules and of the engine's bindings", function()
    call_fails([[require "cjson"]], "no rules module 'cjson'")
    call_fails([[require "pg"]], "no rules module 'pg'")
    call_fails([[require "../etc/passwd"]], "not a rules module name")
  end)

  it("loads text only: bytecode is refused and string.dump is gone", function()
    local m = rule([[
      return { f = function()
        local fn, err = load("\27Lua\84\0", "x", "b")
        return fn, err, string.dump
      end }
    ]])
    local fn, err, dump = m.f()
    assert.is_nil(fn)
    assert.truthy(err:find("binary"), err)
    assert.is_nil(dump)
  end)

  it("load() inside a rule gets the rule's environment, not the engine's", function()
    local m = rule([[
      return { f = function() return load("return require ~= nil and io == nil and http == nil")() end }
    ]])
    assert.is_true(m.f())
  end)

  it("cannot change the standard library or reach it through metatables", function()
    call_fails([[string.upper = nil]], "string is read%-only")
    call_fails([[math.pi = 3]], "math is read%-only")
    call_fails([[getmetatable("").__index.upper = nil]], "attempt to index")
    call_fails([[getmetatable(_ENV).__index.string = {}]], "attempt to index")
    assert.are.equal("ABC", ("abc"):upper()) -- the engine's own string library is intact
  end)

  it("stops a runaway loop with the instruction budget, even under pcall", function()
    call_fails([[while true do end]], "instruction budget exceeded")
    call_fails([[pcall(function() while true do end end) return "escaped"]], "instruction budget exceeded")
  end)

  it("stops a runaway allocation with the memory cap", function()
    call_fails([[local s = "x" for i = 1, 40 do s = s .. s end return #s]], "memory cap")
    call_fails([[return #string.rep("x", 200 * 1024 * 1024)]], "memory cap")
  end)

  it("keeps serving after a failed rule", function()
    call_fails([[while true do end]], "budget")
    local m = rule([[return { f = function() return 42 end }]])
    assert.are.equal(42, m.f())
  end)

  it("reports syntax errors with file and line", function()
    local m, err = engine.load_rule("broken", "return {\n f = function() return 1 +  end }")
    assert.is_nil(m)
    assert.truthy(err:find("rules/broken.lua:2:"), err)
  end)

  it("rules may require other rules", function()
    local rules = require "rules"
    assert.are.equal("150 000", rules.money.format_som(15000000))
    local m = rule([[
      local money = require "money"
      return { price = function(t) return money.format_som(t) end }
    ]])
    assert.are.equal("1 250", m.price(125000))
  end)
end)
