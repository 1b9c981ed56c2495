-- spec/templates_spec.lua — both languages carry the same keys, and every
-- value is text (or a table of plural forms), so no message can be missing
-- in one language only.
local templates = require "templates"
local i18n = require "i18n"

local function keys(t, prefix, out)
  for k, v in pairs(t) do
    local key = prefix .. k
    if type(v) == "table" then keys(v, key .. ".", out) else out[key] = type(v) end
  end
  return out
end

describe("templates", function()
  it("has Russian and Uzbek", function()
    assert.is_table(templates.ru)
    assert.is_table(templates.uz)
  end)

  it("has the same keys in both languages", function()
    local ru, uz = keys(i18n.catalog("ru"), "", {}), keys(i18n.catalog("uz"), "", {})
    for k in pairs(ru) do assert(uz[k], "templates/uz.lua lacks " .. k) end
    for k in pairs(uz) do assert(ru[k], "templates/ru.lua lacks " .. k) end
  end)

  it("holds only non-empty strings", function()
    for _, lang in ipairs { "ru", "uz" } do
      for k, kind in pairs(keys(i18n.catalog(lang), "", {})) do
        assert(kind == "string", lang .. "." .. k .. " is a " .. kind)
      end
    end
  end)
end)
