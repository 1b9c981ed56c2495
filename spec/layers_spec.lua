-- spec/layers_spec.lua — the application's layers hold: bot/ and app/
-- (presenters) → shop/ (the domain) → rules/ (policy). shop/ never
-- requires bot/ or app/; rules/ requires only rules/; and no module
-- requires itself through others (no cycles), lazily or not. Read from the
-- sources: every `require "name"` with a literal name.
local fs = require "fs"
local config = require "config"

-- {======================================================================
-- The graph of requires
-- =======================================================================

local function lua_files(root, dir, out)
  out = out or {}
  local names = fs.list(root .. "/" .. dir)
  if not names then return out end
  table.sort(names)
  for _, n in ipairs(names) do
    local rel = dir .. "/" .. n
    local st = fs.stat(root .. "/" .. rel)
    if st and st.type == "dir" then lua_files(root, rel, out)
    elseif n:match("%.lua$") then out[#out + 1] = rel end
  end
  return out
end

-- "scripts/shop/cart.lua" -> "shop.cart"; ".../init.lua" -> the folder's name.
local function module_of(rel)
  local m = rel:gsub("^scripts/", ""):gsub("^engine/lua/", ""):gsub("%.lua$", ""):gsub("/init$", "")
  return (m:gsub("/", "."))
end

-- Comments out (a usage example is not a require); strings stay.
local function code_of(text)
  text = text:gsub("%-%-%[(=*)%[.-%]%1%]", "")
  return (text:gsub("%-%-[^\n]*", ""))
end

local function requires_of(text)
  text = code_of(text)
  local out, seen = {}, {}
  for _, pat in ipairs { "require%s*%(?%s*\"([%w_.]+)\"", "require%s*%(?%s*'([%w_.]+)'" } do
    for name in text:gmatch(pat) do
      if not seen[name] then seen[name] = true; out[#out + 1] = name end
    end
  end
  table.sort(out)
  return out
end

-- { [module] = { file =, layer =, requires = {...} } } for scripts/ and
-- engine/lua/; rules/ files as "rules/<name>" with their bare requires.
local function graph(root)
  local g = {}
  for _, dir in ipairs { "scripts", "engine/lua" } do
    for _, rel in ipairs(lua_files(root, dir)) do
      local text = assert(fs.read(root .. "/" .. rel))
      local m = module_of(rel)
      g[m] = { file = rel, layer = rel:match("^scripts/([%w_]+)/") or rel:match("^engine/lua") and "engine" or "top",
               requires = requires_of(text) }
    end
  end
  for _, rel in ipairs(lua_files(root, "rules")) do
    local text = assert(fs.read(root .. "/" .. rel))
    g[rel:gsub("%.lua$", "")] = { file = rel, layer = "rules", requires = requires_of(text) }
  end
  return g
end

-- {======================================================================
-- The checks: each returns a list of sentences, empty when all is well
-- =======================================================================

local function upward(g)
  local bad = {}
  for m, node in pairs(g) do
    if node.layer == "shop" then
      for _, r in ipairs(node.requires) do
        if r == "bot" or r == "app" or r:match("^bot%.") or r:match("^app%.") then
          bad[#bad + 1] = ("%s requires %s: the domain must not know its presenters"):format(node.file, r)
        end
      end
    elseif node.layer == "rules" then
      for _, r in ipairs(node.requires) do
        if not g["rules/" .. r] then
          bad[#bad + 1] = ("%s requires %s: a rule may require only other rules"):format(node.file, r)
        end
      end
    end
    local _ = m
  end
  table.sort(bad)
  return bad
end

-- Every cycle among modules found in g, each once, as "a -> b -> a".
local function cycles(g)
  local found, seen_cycle = {}, {}
  local state, stack = {}, {}
  local function visit(m)
    state[m] = "open"
    stack[#stack + 1] = m
    for _, r in ipairs(g[m].requires) do
      if g[r] then
        if state[r] == "open" then
          local from
          for i = #stack, 1, -1 do if stack[i] == r then from = i break end end
          local path = {}
          for i = from, #stack do path[#path + 1] = stack[i] end
          local key = table.concat((function() local c = { table.unpack(path) } table.sort(c) return c end)(), ",")
          if not seen_cycle[key] then
            seen_cycle[key] = true
            path[#path + 1] = r
            found[#found + 1] = table.concat(path, " -> ")
          end
        elseif not state[r] then
          visit(r)
        end
      end
    end
    stack[#stack] = nil
    state[m] = "done"
  end
  local names = {}
  for m in pairs(g) do names[#names + 1] = m end
  table.sort(names)
  for _, m in ipairs(names) do if not state[m] then visit(m) end end
  return found
end

-- {======================================================================
-- The specs
-- =======================================================================

describe("the application's layers", function()
  local g = graph(config.root)

  it("reads the tree", function()
    assert.truthy(g["shop.order_flow"], "shop/order_flow.lua was not found")
    assert.truthy(g["bot.router"], "bot/router.lua was not found")
    assert.truthy(g["rules/pricing"], "rules/pricing.lua was not found")
    assert.truthy(#g["shop.order_flow"].requires > 3)
  end)

  it("never goes up: shop/ knows no presenter, rules/ only rules", function()
    local bad = upward(g)
    assert.are.same({}, bad, table.concat(bad, "\n"))
  end)

  it("has no require cycles", function()
    local found = cycles(g)
    assert.are.same({}, found, table.concat(found, "\n"))
  end)

  it("catches what it is for (on a made-up tree)", function()
    local fake = {
      ["shop.a"] = { file = "scripts/shop/a.lua", layer = "shop", requires = { "bot.out", "shop.b" } },
      ["shop.b"] = { file = "scripts/shop/b.lua", layer = "shop", requires = { "shop.c" } },
      ["shop.c"] = { file = "scripts/shop/c.lua", layer = "shop", requires = { "shop.a" } },
      ["bot.out"] = { file = "scripts/bot/out.lua", layer = "bot", requires = {} },
      ["rules/x"] = { file = "rules/x.lua", layer = "rules", requires = { "pg", "y" } },
      ["rules/y"] = { file = "rules/y.lua", layer = "rules", requires = {} },
    }
    assert.are.same({
      "rules/x.lua requires pg: a rule may require only other rules",
      "scripts/shop/a.lua requires bot.out: the domain must not know its presenters",
    }, upward(fake))
    assert.are.same({ "shop.a -> shop.b -> shop.c -> shop.a" }, cycles(fake))
    assert.are.same({ "a", "b.c", "d" }, requires_of([[local a = require "a" x = require("b.c") require 'd' require "a"
      -- require "e"
      --[==[ require "f" ]==] ]]))
  end)
end)
