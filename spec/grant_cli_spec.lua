-- spec/grant_cli_spec.lua — `guldasta run scripts/cli/grant.lua`, as
-- `make demo` and a new shop's owner run it: the role is granted, --lang
-- gives the person the language the bot speaks to them in (never over one
-- they chose), and bad input is refused with a line that says what is wrong.
local pg = require "pg"
local fx = require "support.orders"

local run = require("support.cli").runner("scripts/cli/grant.lua")

local function row(tg_id)
  return pg.query([[SELECT u.lang, u.name, array_agg(r.role)::text AS roles FROM users u
                      LEFT JOIN user_roles r ON r.user_id = u.id WHERE u.tg_id = $1
                     GROUP BY u.lang, u.name]], tg_id)[1]
end

describe("guldasta run scripts/cli/grant.lua", function()
  it("grants a role with a name and a language", function()
    local tg = fx.tg_id()
    local rc, _, err = run(tostring(tg), "florist", "Malika", "--lang", "uz")
    assert.are.equal(0, rc, err)
    local r = row(tg)
    assert.are.same({ "uz", "Malika", "{florist}" }, { r.lang, r.name, r.roles })
  end)

  it("keeps a language the person chose", function()
    local c = fx.customer { lang = "ru" }
    assert.are.equal(0, (run(tostring(c.tg_id), "courier", "--lang", "uz")))
    assert.are.equal("ru", row(c.tg_id).lang)
  end)

  it("refuses an unknown language and changes nothing", function()
    local tg = fx.tg_id()
    local rc, _, err = run(tostring(tg), "florist", "--lang", "en")
    assert.are_not.equal(0, rc)
    assert.truthy(err:find("--lang must be one of ru, uz", 1, true), err)
    assert.is_nil(row(tg))
  end)
end)
