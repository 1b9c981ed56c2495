-- spec/promo_cli_spec.lua — `guldasta run scripts/cli/promo.lua`, run as
-- its own process the way the owner runs it: adding codes with their
-- limits, refusing bad input with a line that says what is wrong, listing,
-- switching off — and the shop's checkout (shop/promo.lua) reading what it
-- wrote.
local pg = require "pg"
local crypto = require "crypto"
local promo = require "shop.promo"

local run = require("support.cli").runner("scripts/cli/promo.lua")

describe("guldasta run scripts/cli/promo.lua", function()
  local code = "CLI" .. crypto.hex(crypto.random_bytes(3)):upper()
  teardown(function() pg.query("DELETE FROM promo_codes WHERE code LIKE $1", code .. "%") end)

  it("adds a code with dates, uses and a minimum, as the checkout reads it", function()
    local rc, out, err = run("add", code:lower(), "percent", "15", "--from", "2020-01-01",
      "--until", "2099-12-31", "--uses", "3", "--min", "200000")
    assert.are.equal(0, rc, err)
    assert.truthy(out:find(code .. " added", 1, true))
    local row = pg.query([[SELECT kind, value, min_total, max_uses, used, active,
                                  to_char(valid_from AT TIME ZONE 'Asia/Tashkent', 'YYYY-MM-DD HH24:MI') AS f,
                                  to_char(valid_until AT TIME ZONE 'Asia/Tashkent', 'YYYY-MM-DD HH24:MI') AS u
                             FROM promo_codes WHERE code = $1]], code)[1]
    assert.are.same({ "percent", 15, 20000000, 3, 0, true, "2020-01-01 00:00", "2100-01-01 00:00" },
      { row.kind, row.value, row.min_total, row.max_uses, row.used, row.active, row.f, row.u })
    assert.are.same({ code = code, kind = "percent", value = 15, min_total = 20000000 }, promo.find(code))
    local _, why = promo.find(code, 10000000)
    assert.are.equal("min_total", why)
  end)

  it("stores a fixed amount in tiyin, lists it, and switches it off", function()
    assert.are.equal(0, (run("add", code .. "F", "fixed", "50000")))
    assert.are.equal(50000 * 100, pg.query("SELECT value FROM promo_codes WHERE code = $1", code .. "F")[1].value)
    local rc, out = run("list")
    assert.are.equal(0, rc)
    assert.truthy(out:find(code .. "F%s+50000 so'm"), out)
    assert.are.equal(0, (run("off", code .. "F")))
    local _, why = promo.find(code .. "F")
    assert.are.equal("unknown", why)
  end)

  it("refuses bad input with a line that names the problem, and writes nothing", function()
    local cases = {
      { { "add", "x", "percent", "10" }, "CODE must be" },
      { { "add", code .. "B", "percent", "150" }, "1..100" },
      { { "add", code .. "B", "gift", "10" }, "percent or fixed" },
      { { "add", code .. "B", "percent", "10", "--until", "31.12.2026" }, "YYYY-MM-DD" },
      { { "add", code .. "B", "percent", "10", "--uses", "0" }, "--uses" },
      { { "add", code .. "B", "percent", "10", "--what", "1" }, "unknown option --what" },
      { { "add", code, "percent", "10" }, "exists already" },
      { { "off", code .. "NONE" }, "no code" },
      { {}, "usage:" },
    }
    for _, c in ipairs(cases) do
      local rc, _, err = run(table.unpack(c[1]))
      assert.are_not.equal(0, rc, table.concat(c[1], " "))
      assert.truthy(err:find(c[2], 1, true), err)
    end
    assert.are.same({}, pg.query("SELECT 1 FROM promo_codes WHERE code = $1", code .. "B"))
  end)
end)
