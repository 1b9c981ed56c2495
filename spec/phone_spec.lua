-- spec/phone_spec.lua — scripts/shop/phone.lua, runnable alone:
--   build/asan/guldasta-dev run spec/runner.lua spec/phone_spec.lua
-- domain.md R-T4: every usual way of typing an Uzbek number gives one
-- E.164 form; other lengths are refused; shown as +998 90 123 45 67.
local phone = require "shop.phone"

describe("shop/phone.lua", function()
  it("accepts the usual ways of typing a number", function()
    for _, typed in ipairs {
      "+998 90 123 45 67", "998901234567", "90 123 45 67", "(90) 123-45-67", "901234567",
      "+998901234567", "+998 (90) 123-45-67", "  90-123-45-67 ", "90.123.45.67",
      "+998\194\16090\194\160123\194\16045\194\16067",   -- no-break spaces (copied from a site)
    } do
      assert.are.equal("+998901234567", phone.normalize(typed), typed)
    end
  end)

  it("takes a shared contact's number with or without +", function()
    assert.are.equal("+998933334455", phone.from_contact("998933334455"))
    assert.are.equal("+998933334455", phone.from_contact("+998933334455"))
    assert.are.equal("+998652234567", phone.from_contact("+998 65 223 45 67"))   -- a Bukhara landline
  end)

  it("refuses other lengths, letters and stray signs with a reason", function()
    assert.are.same({ nil, "length" }, { phone.normalize("12345") })
    assert.are.same({ nil, "length" }, { phone.normalize("90123456") })          -- 8 digits
    assert.are.same({ nil, "length" }, { phone.normalize("9012345678") })        -- 10 digits
    assert.are.same({ nil, "length" }, { phone.normalize("99890123456") })       -- 998 + 8
    assert.are.same({ nil, "length" }, { phone.normalize("+7 912 345 67 89") })  -- a Russian number
    assert.are.same({ nil, "length" }, { phone.normalize("+901234567") })        -- "+" before a national number
    assert.are.same({ nil, "chars" }, { phone.normalize("90 123 45 6x") })
    assert.are.same({ nil, "chars" }, { phone.normalize("90+1234567") })
    assert.are.same({ nil, "chars" }, { phone.normalize("Dilnoza") })
    assert.are.same({ nil, "empty" }, { phone.normalize("  - ") })
    assert.are.same({ nil, "empty" }, { phone.normalize(nil) })
    assert.are.same({ nil, "code" }, { phone.normalize("012345678") })
    assert.are.same({ nil, "code" }, { phone.normalize("+998 10 123 45 67") })
  end)

  it("shows the stored form grouped", function()
    assert.are.equal("+998 90 123 45 67", phone.display("+998901234567"))
    assert.are.equal("+998 65 223 45 67", phone.display(phone.normalize("652234567")))
    assert.are.equal("+4915112345678", phone.display("+4915112345678"))   -- not ours: as is
  end)
end)
