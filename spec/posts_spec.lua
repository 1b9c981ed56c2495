-- spec/posts_spec.lua — the channel posts' templates (templates/posts/):
-- values escaped for Telegram's HTML, conditionals, loops, plurals, prices
-- and dates in both languages; a mistake reported with its line; a caption
-- over Telegram's 1 024 characters refused, never cut; and at reload, a
-- template that does not render its sample is refused with file and line
-- while the previous one keeps serving.
local posts = require "shop.posts"
local template = require "shop.posts.template"
local html = require "shop.posts.html"
local templates = require "templates"
local server = require "support.server"
local root = require "support.root"
local fs = require "fs"

local sample = templates["posts.product"].sample

local function product(over)
  local p = {}
  for k, v in pairs(sample.product) do p[k] = v end
  for k, v in pairs(over or {}) do p[k] = v end
  return p
end

-- A post template of the spec's own, under a name nobody else uses.
local n = 0
local function with_template(ru, uz)
  n = n + 1
  local name = "spec_" .. n
  templates["posts." .. name] = { ru = ru, uz = uz or ru, sample = { product = product(), date = "2026-03-08" } }
  return name
end

describe("post templates", function()
  it("escapes every value, so a name with < or & cannot break the post", function()
    local s = assert(posts.render("product", product { name_ru = "Розы <b>&</b> \"лилии\"" }, "ru",
      { date = "2026-03-08" }))
    assert.truthy(s:find("<b>Розы &lt;b&gt;&amp;&lt;/b&gt; &quot;лилии&quot;</b>", 1, true), s)
    assert.is_true(html.check(s))
  end)

  it("formats price and date in each language", function()
    local ru = assert(posts.render("product", product { price = 12345600 }, "ru", { date = "2026-03-08" }))
    local uz = assert(posts.render("product", product { price = 12345600 }, "uz", { date = "2026-03-08" }))
    assert.truthy(ru:find("123 456 сум", 1, true), ru)
    assert.truthy(ru:find("8 марта", 1, true), ru)
    assert.truthy(uz:find("123 456 soʻm", 1, true), uz)
    assert.truthy(uz:find("8-mart", 1, true), uz)
  end)

  it("loops over lists and leaves out what a product lacks", function()
    local s = assert(posts.render("product", product(), "ru", { date = "2026-03-08" }))
    assert.truthy(s:find("🎨 красный, белый\n", 1, true), s)
    assert.truthy(s:find("💎", 1, true))
    local plain = assert(posts.render("product", product { colour = false, occasions = {}, vip = false,
      description_ru = false, prep_minutes = 0 }, "ru", { date = "2026-03-08" }))
    assert.falsy(plain:find("🎨", 1, true), plain)
    assert.falsy(plain:find("🎁", 1, true), plain)
    assert.falsy(plain:find("💎", 1, true), plain)
    assert.falsy(plain:find("⏳", 1, true), plain)
    assert.falsy(plain:find("\n\n\n", 1, true), plain)
  end)

  it("says when a seasonal product is out of season on the post's day", function()
    local tulip = product { tags = { "season_jan_apr" } }
    assert.falsy(assert(posts.render("product", tulip, "ru", { date = "2026-03-08" })):find("🌱", 1, true))
    assert.truthy(assert(posts.render("product", tulip, "ru", { date = "2026-12-08" })):find("🌱", 1, true))
  end)

  it("chooses the plural form by the language's rule", function()
    local function hours(h, lang)
      local s = assert(posts.render("product", product { prep_minutes = h * 60 }, lang, { date = "2026-03-08" }))
      return s:match("⏳ ([^\n]*)")
    end
    assert.are.equal("Готовим 1 час — закажите заранее.", hours(1, "ru"))
    assert.are.equal("Готовим 3 часа — закажите заранее.", hours(3, "ru"))
    assert.are.equal("Готовим 5 часов — закажите заранее.", hours(5, "ru"))
    assert.are.equal("Готовим 21 час — закажите заранее.", hours(21, "ru"))
    assert.are.equal("5 soat tayyorlanadi — oldindan buyurtma bering.", hours(5, "uz"))
  end)

  it("reports a missing value, an unclosed section and a bad filter with their line", function()
    local name = with_template("<b>{{name}}</b>\n{{nmae}}")
    local s, why = posts.render(name, product(), "ru", { date = "2026-03-08" })
    assert.is_nil(s)
    assert.are.equal("templates/posts/" .. name .. ".lua: ru, line 2 of the text: {{nmae}}: no such value", why)
    _, why = posts.render(with_template("a\n\n{{#vip}}b"), product(), "ru", {})
    assert.truthy(why:find("line 3 of the text: {{#vip}} is never closed", 1, true), why)
    _, why = posts.render(with_template("{{price | euro}}"), product(), "ru", {})
    assert.truthy(why:find("line 1 of the text: no filter 'euro'", 1, true), why)
    _, why = posts.render(with_template("{{#vip}}x{{/colours}}"), product(), "ru", {})
    assert.truthy(why:find("{{/colours}} closes {{#vip}} opened on line 1", 1, true), why)
  end)

  it("refuses template text that is not Telegram HTML", function()
    local _, why = posts.render(with_template("Цветы & подарки {{name}}"), product(), "ru", {})
    assert.truthy(why:find("a bare & (write &amp;)", 1, true), why)
    _, why = posts.render(with_template("<div>{{name}}</div>"), product(), "ru", {})
    assert.truthy(why:find("<div> is not a tag Telegram knows", 1, true), why)
    _, why = posts.render(with_template("<b>{{name}}"), product(), "ru", {})
    assert.truthy(why:find("<b> is never closed", 1, true), why)
  end)

  it("refuses a caption over 1 024 characters with its length, and never cuts it", function()
    local long = product { description_ru = ("роза "):rep(220) }
    local s, why = posts.render("product", long, "ru", { date = "2026-03-08" })
    assert.is_nil(s)
    assert.truthy(why:find("the caption of C01 is %d+ characters, Telegram allows 1024"), why)
    -- an entity counts as the one character it stands for
    local fits = product { description_ru = ("&"):rep(800) }
    assert.truthy(posts.render("product", fits, "ru", { date = "2026-03-08" }))
  end)

  it("adds an album's [Order] link as the last line, its label counted, refused rather than cut", function()
    local s = assert(posts.with_link("<b>Розы</b>", "🛒 Заказать <сейчас>", "https://t.me/b?start=p_1_2&x=\"y\""))
    assert.equal('<b>Розы</b>\n\n<a href="https://t.me/b?start=p_1_2&amp;x=&quot;y&quot;">🛒 Заказать &lt;сейчас&gt;</a>', s)
    assert.is_true(html.check(s))
    -- 1 000 characters fit alone; with "\n\n" and a 30-character label they do not
    local caption = ("р"):rep(1000)
    assert.equal(1000, html.length(caption))
    local label = ("з"):rep(30)
    local none, why, kind, len = posts.with_link(caption, label, "https://t.me/" .. ("x"):rep(500))
    assert.is_nil(none)
    assert.equal("too_long", kind)
    assert.equal(1032, len, "the address does not count, the label does")
    assert.truthy(why:find("1032 characters, Telegram allows 1024", 1, true), why)
    assert.truthy(posts.with_link(("р"):rep(990), label, "https://t.me/" .. ("x"):rep(500)))
  end)

  it("check() renders every template's sample in both languages", function()
    for key in pairs(templates) do
      if key:find("^posts%.spec_") then templates[key] = nil end
    end
    assert.is_true(posts.check())
    local name = with_template("{{name}}", "{{nom}}")
    local ok, why = posts.check()
    templates["posts." .. name] = nil
    assert.is_false(ok)
    assert.truthy(why:find("uz, line 1 of the text: {{nom}}: no such value", 1, true), why)
  end)

  it("parses a standalone section line away, and keeps inline ones", function()
    local t = assert(template.parse("a\n  {{#x}}\nb\n{{/x}}\nc {{#x}}d{{/x}}"))
    local s = template.render(t, { x = true }, { escape = html.escape, filters = {} })
    assert.are.equal("a\nb\nc d", s)
  end)
end)

describe("post templates at reload", function()
  local dir, s
  setup(function()
    dir = root.make()
    s = server.start { root = dir }
  end)
  teardown(function()
    if s then s:stop() end
    server.remove_root(dir)
  end)

  it("serves an edited template without a restart, and refuses a broken one with file and line", function()
    local path = dir .. "/templates/posts/product.lua"
    local good = assert(fs.read(path))
    local res = assert(s:get("/post"))
    assert.are.equal(200, res.status, res.body)
    assert.truthy(res.body:find("Повод:", 1, true))

    assert(fs.write(path, (good:gsub("Повод:", "Для:"))))
    server.eventually(function() return assert(s:get("/post")).body:find("Для:", 1, true) end, 10, "the edit")
    local gen = assert(s:get("/gen")).body

    assert(fs.write(path, (good:gsub("{{#occasions}}{{%.}}", "{{#occasions}}{{.}}{{nmae}}", 1))))
    server.eventually(function() return s:log():find("reload refused", 1, true) end, 10, "the refusal")
    local log = s:log()
    assert.truthy(log:find("templates/posts/product.lua: ru, line %d+ of the text: {{nmae}}: no such value"), log)
    assert.are.equal(gen, assert(s:get("/gen")).body)
    assert.truthy(assert(s:get("/post")).body:find("Для:", 1, true), "the previous template keeps serving")

    assert(fs.write(path, good))
    server.eventually(function() return assert(s:get("/post")).body:find("Повод:", 1, true) end, 10, "recovery")
  end)
end)
