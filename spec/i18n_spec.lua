-- spec/i18n_spec.lua — templates lookup, Russian plurals, and the guard
-- that keeps text not taken from templates/ away from the customer.
local i18n = require "i18n"
local templates = require "templates"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local fs = require "fs"
local config = require "config"

-- Every leaf key of a templates table: "a.b" -> template (string or plural).
local function leaves(t, prefix, acc)
  for k, v in pairs(t) do
    local key = prefix .. k
    if type(v) == "table" and not (v.one and v.few and v.many) then
      leaves(v, key .. ".", acc)
    else
      acc[key] = v
    end
  end
  return acc
end

describe("i18n.t", function()
  it("returns a Text with the template filled in", function()
    local t = i18n.t("ru", "roles.granted", { tg_id = 42, role = "флорист" })
    assert.is_true(i18n.is_text(t))
    assert.equal("Готово: пользователю 42 выдана роль «флорист».", tostring(t))
    assert.equal(tostring(t), i18n.str(t))
  end)

  it("takes Texts as values", function()
    local price = i18n.t("uz", "common.price", { amount = "150 000", currency = i18n.t("uz", "currency") })
    assert.equal("150 000 soʻm", i18n.str(price))
    price = i18n.t("ru", "common.price", { amount = "150 000", currency = i18n.t("ru", "currency") })
    assert.equal("150 000 сум", i18n.str(price))
  end)

  it("raises on a missing key, a missing variable, an unknown language", function()
    assert.has_error(function() i18n.t("ru", "no.such.key") end, "missing template ru.no.such.key")
    assert.has_error(function() i18n.t("ru", "menu") end)   -- a namespace, not a sentence
    assert.has_error(function() i18n.t("ru", "roles.granted", { tg_id = 1 }) end)
    assert.has_error(function() i18n.t("en", "menu.title") end)
    assert.has_error(function() i18n.t("ru", "search.found", {}) end)   -- a plural needs count
  end)

  it("knows which keys exist", function()
    assert.is_true(i18n.has("ru", "colour.red"))
    assert.is_true(i18n.has("uz", "search.found"))
    assert.is_false(i18n.has("ru", "colour.no_such_colour"))
    assert.is_false(i18n.has("ru", "colour"))
  end)
end)

describe("plurals", function()
  local cases = {
    { 1, "one" }, { 2, "few" }, { 4, "few" }, { 5, "many" }, { 11, "many" }, { 12, "many" },
    { 14, "many" }, { 21, "one" }, { 22, "few" }, { 25, "many" }, { 101, "one" }, { 111, "many" },
    { 112, "many" }, { 0, "many" }, { 1000, "many" }, { 1001, "one" },
  }
  for _, c in ipairs(cases) do
    it("ru " .. c[1] .. " is " .. c[2], function()
      assert.equal(c[2], i18n.plural_form("ru", c[1]))
    end)
  end

  it("says 1 товар, 3 товара, 5 товаров", function()
    assert.equal("🔎 Нашёлся 1 товар:", i18n.str(i18n.t("ru", "search.found", { count = 1 })))
    assert.equal("🔎 Нашлось 3 товара:", i18n.str(i18n.t("ru", "search.found", { count = 3 })))
    assert.equal("🔎 Нашлось 5 товаров:", i18n.str(i18n.t("ru", "search.found", { count = 5 })))
    assert.equal("🔎 Нашёлся 21 товар:", i18n.str(i18n.t("ru", "search.found", { count = 21 })))
    assert.equal("🔎 Нашлось 112 товаров:", i18n.str(i18n.t("ru", "search.found", { count = 112 })))
  end)

  it("Uzbek does not change the noun", function()
    assert.equal("🔎 5 ta mahsulot topildi:", i18n.str(i18n.t("uz", "search.found", { count = 5 })))
    assert.equal("🔎 1 ta mahsulot topildi:", i18n.str(i18n.t("uz", "search.found", { count = 1 })))
  end)
end)

describe("templates", function()
  it("match in both languages, placeholders included", function()
    assert.same({ true }, { i18n.check() })
  end)

  it("a key in one language only fails the check", function()
    templates.ru.spec_only_here = "только по-русски"
    local ok, why = i18n.check()
    templates.ru.spec_only_here = nil
    assert.is_false(ok)
    assert.matches("templates/uz.lua lacks spec_only_here", why, 1, true)
  end)

  it("different placeholders in the two languages fail the check", function()
    local saved = templates.uz.card.price
    templates.uz.card.price = "Narxi: {prise}"
    local ok, why = i18n.check()
    templates.uz.card.price = saved
    assert.is_false(ok)
    assert.matches("card.price", why, 1, true)
  end)

  it("every template renders in both languages", function()
    for _, lang in ipairs(i18n.LANGS) do
      for key, v in pairs(leaves(i18n.catalog(lang), "", {})) do
        local vars = {}
        local strings = type(v) == "table" and { v.one, v.few, v.many } or { v }
        for _, s in ipairs(strings) do
          for name in s:gmatch("{([%w_]+)}") do vars[name] = "x" end
        end
        for _, n in ipairs { 1, 2, 5 } do
          vars.count = n
          assert.is_true(i18n.is_text(i18n.t(lang, key, vars)), lang .. "." .. key)
        end
      end
    end
  end)

  it("every key the bot names in code exists in both languages", function()
    local files = {}
    local function walk(dir, rel)
      for _, name in ipairs(assert(fs.list(dir))) do
        local st = assert(fs.stat(dir .. "/" .. name))
        if st.type == "dir" then walk(dir .. "/" .. name, rel .. name .. "/")
        elseif name:match("%.lua$") then files[#files + 1] = { dir .. "/" .. name, rel .. name } end
      end
    end
    walk(config.root .. "/scripts", "scripts/")
    local seen = 0
    for _, f in ipairs(files) do
      local src = assert(fs.read(f[1]))
      for key in src:gmatch('i18n%.t%([^,]+,%s*"([%w_.]+)"%s*[,)]') do
        seen = seen + 1
        for _, lang in ipairs(i18n.LANGS) do
          assert(i18n.has(lang, key), f[2] .. " uses " .. key .. ", missing in templates/" .. lang .. ".lua")
        end
      end
    end
    assert.is_true(seen > 50, "found only " .. seen .. " template keys in scripts/")
  end)
end)

describe("the text guard", function()
  it("refuses a raw string where a Text is due", function()
    assert.has_error(function() i18n.str("Привет") end)
    assert.has_error(function() out.send("ru", 1, "Привет") end)
    assert.has_error(function() out.send("ru", 1, { "Привет" }) end)
    assert.has_error(function() out.photo("ru", 1, { key = "k", path = "/x" }, "caption") end)
    assert.has_error(function() out.edit("ru", 1, 2, "text") end)
    assert.has_error(function() out.show({ lang = "ru", chat_id = 1 }, { text = "hi", fresh = true }) end)
  end)

  it("refuses raw button labels and hand-made keyboards", function()
    assert.has_error(function() keyboard.button("Каталог", "c:0:0") end)
    assert.has_error(function() keyboard.unwrap({ inline_keyboard = { { { text = "x", callback_data = "m" } } } }) end)
    local m = keyboard.markup { { keyboard.button(i18n.t("ru", "common.menu"), "m") } }
    assert.same({ inline_keyboard = { { { text = "🏠 Меню", callback_data = "m" } } } }, keyboard.unwrap(m))
  end)

  it("cannot be fooled by a forged Text", function()
    local t = i18n.t("ru", "common.menu")
    assert.equal("i18n.text", getmetatable(t))
    assert.has_error(function() setmetatable({ "forged" }, getmetatable(t)) end)
    assert.is_false(i18n.is_text({ "forged" }))
  end)

  it("joins Texts with punctuation only", function()
    local a, b = i18n.t("ru", "common.menu"), i18n.t("ru", "common.back")
    assert.equal("🏠 Меню, ⬅️ Назад", i18n.str(i18n.join({ a, b }, ", ")))
    assert.has_error(function() i18n.join({ a, b }, " и ") end)
    assert.has_error(function() i18n.join({ a, "raw" }) end)
  end)

  it("cuts a long Text to Telegram's limit with the ellipsis", function()
    local long = i18n.t("ru", "card.description", { text = string.rep("я", 5000) })
    local cut = i18n.str(i18n.truncate("ru", long, 1024))
    assert.equal(1024, utf8.len(cut))
    assert.equal("…", cut:sub(-#"…"))
  end)
end)
