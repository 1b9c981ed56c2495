-- spec/sales_spec.lua — sales by product (/sales) against a fixture of
-- orders on days of their own (a random day long ago, so no other spec's
-- orders are in it): units, revenue and category per product, best first,
-- exact; the counted orders are the report's (cancelled and pending ones
-- are not); a range, the default range, the cap on lines and the CSV.
-- Through the whole bot: the marketer's /sales with the line pointing to
-- /posts, the accountant's without it and with the CSV by its button, the
-- manager's; a bad range answered with how to write it; refused for a
-- florist, a courier and a customer with the roles' message.
local pg = require "pg"
local crypto = require "crypto"
local config = require "config"
local i18n = require "i18n"
local rules = require "rules"
local fx = require "support.orders"
local bot = require "support.bot"
local products = require "shop.reports.products"

local function T(key, vars) return i18n.str(i18n.t("ru", key, vars)) end

local function q(sql, ...) return assert(pg.query(sql, ...)) end

-- A random day in 2001..2019 (shop time), and the day before it.
local function fixture_day()
  local r = string.unpack("<I4", crypto.random_bytes(4))
  local t = os.time { year = 2001 + r % 19, month = 1 + (r // 19) % 12, day = 2 + (r // 228) % 26, hour = 12 }
  return os.date("%Y-%m-%d", t), os.date("%Y-%m-%d", t - 86400)
end

local function placed(id, day, hhmm)
  q("UPDATE orders SET created_at = ($2::timestamp AT TIME ZONE $3) WHERE id = $1", id, day .. " " .. hhmm, config.shop_tz)
end

local function money(tiyin) return T("common.price", { amount = rules.money.format_som(tiyin), currency = i18n.t("ru", "currency") }) end

describe("sales by product", function()
  local D, D0, rose, tulip, vase, cat_id, unpaid

  setup(function()
    D, D0 = fixture_day()
    local tag = crypto.hex(crypto.random_bytes(4))
    cat_id = q([[INSERT INTO categories (code, name_ru, name_uz) VALUES ($1, 'Розы спек', 'Atirgullar spek')
                 RETURNING id]], "spec-sales-" .. tag)[1].id
    rose = fx.product { name_ru = "Роза спек " .. tag, name_uz = "Atirgul spek " .. tag, price = 1000000 }
    tulip = fx.product { name_ru = "Тюльпан спек " .. tag, name_uz = "Lola spek " .. tag, price = 500000 }
    vase = fx.product { kind = "extra", name_ru = "Ваза спек " .. tag, name_uz = "Vaza spek " .. tag, price = 3000000 }
    q("UPDATE products SET category_id = $2 WHERE id = ANY($1::bigint[])", "{" .. rose .. "," .. tulip .. "}", cat_id)
    local c = fx.customer {}
    -- the day: roses 3 + 1 at 10 000, tulips 2 at 5 000 + 3 at 4 000 (a
    -- line's own price counts), one vase; a cancelled and an unpaid order
    -- do not count; the day before, 2 roses
    placed(fx.order { customer = c, status = "delivered", items = { { rose, 3, 1000000 } } }, D, "10:00")
    placed(fx.order { customer = c, status = "delivered", items = { { tulip, 2, 500000 }, { rose, 1, 1000000 } } }, D, "11:00")
    placed(fx.order { customer = c, status = "delivered", payment_method = "payme",
                      items = { { tulip, 3, 400000 }, { vase, 1, 3000000 } } }, D, "12:00")
    placed(fx.order { customer = c, status = "cancelled", items = { { rose, 5, 1000000 } } }, D, "13:00")
    unpaid = fx.order { customer = c, status = "pending", payment_method = "click", items = { { vase, 4, 3000000 } } }
    placed(unpaid, D, "14:00")
    placed(fx.order { customer = c, status = "delivered", items = { { rose, 2, 1000000 } } }, D0, "23:30")
  end)

  -- an order left awaiting payment would be held, or expired, by a later
  -- spec's engine (every other order here is delivered or cancelled)
  teardown(function()
    if unpaid then q("UPDATE orders SET status = 'cancelled', cancelled_at = now() WHERE id = $1", unpaid) end
  end)

  it("gives a day's units and revenue per product, best first, with the category", function()
    local s = products.sales(D, D)
    assert.same({ from = D, to = D, days = 1, products = 3, units = 10, revenue = 9200000 },
                { from = s.from, to = s.to, days = s.days, products = s.products, units = s.units, revenue = s.revenue })
    local got = {}
    for i, p in ipairs(s.lines) do got[i] = { p.id, p.units, p.revenue, p.category_ru, p.category_uz } end
    assert.same({ { tulip, 5, 2200000, "Розы спек", "Atirgullar spek" },
                  { rose, 4, 4000000, "Розы спек", "Atirgullar spek" },
                  { vase, 1, 3000000 } }, got)
  end)

  it("gives a range, and caps the lines at SALES_LINES while counting every product", function()
    local s = products.sales(D0, D)
    assert.same({ 2, 3, 12, 11200000 }, { s.days, s.products, s.units, s.revenue })
    assert.same({ rose, 6, 6000000 }, { s.lines[1].id, s.lines[1].units, s.lines[1].revenue })
    local saved = rules.reports.SALES_LINES
    rules.reports.SALES_LINES = 2
    local ok, capped = pcall(products.sales, D0, D)
    rules.reports.SALES_LINES = saved
    assert(ok, capped)
    assert.same({ 2, 3, 12 }, { #capped.lines, capped.products, capped.units })
    assert.same({ rose, tulip }, { capped.lines[1].id, capped.lines[2].id })
  end)

  it("defaults to the last SALES_DAYS shop days, today included", function()
    local now = os.time { year = 2026, month = 3, day = 3, hour = 9 }
    assert.same({ "2026-02-25", "2026-03-03" }, { products.default_range(now) })
    local from, to = products.default_range()
    assert.equal(os.date("%Y-%m-%d"), to)
    assert.equal(rules.reports.SALES_DAYS, require("shop.reports").check(from, to) and
      require("shop.reports.range").days(from, to))
  end)

  it("writes every product of the range as CSV", function()
    local text, count = products.csv(D, D)
    assert.equal(3, count)
    local code = function(id) return q("SELECT code FROM products WHERE id = $1", id)[1].code end
    local name = function(id, col) return q("SELECT " .. col .. " AS n FROM products WHERE id = $1", id)[1].n end
    assert.equal("\239\187\191code;name_ru;name_uz;category_ru;category_uz;units;revenue_som\r\n"
      .. ("%s;%s;%s;Розы спек;Atirgullar spek;5;22000,00\r\n"):format(code(tulip), name(tulip, "name_ru"), name(tulip, "name_uz"))
      .. ("%s;%s;%s;Розы спек;Atirgullar spek;4;40000,00\r\n"):format(code(rose), name(rose, "name_ru"), name(rose, "name_uz"))
      .. ("%s;%s;%s;;;1;30000,00\r\n"):format(code(vase), name(vase, "name_ru"), name(vase, "name_uz")), text)
  end)

  describe("/sales in the bot", function()
    local b, emu

    setup(function() b, emu = fx.owner_bot() end)
    teardown(function() if b then b.stop() end end)

    local function person(role)
      local tg = fx.tg_id()
      if role == "client" then fx.customer { tg_id = tg, lang = "ru" } else fx.staff(role, { tg_id = tg, lang = "ru" }) end
      return emu:user { id = tg, first_name = "Spec " .. role }
    end

    local title = function() return T("reports.sales.title_range", { from = D0, to = D }) end

    it("shows the marketer the range's products, and points to /posts", function()
      local u = person("marketing")
      u:command("/sales", D0 .. " " .. D)
      local m = u:wait_message(bot.says(title()), 10)
      local body = bot.body(m)
      local rose_name = q("SELECT name_ru FROM products WHERE id = $1", rose)[1].name_ru
      assert.truthy(body:find(T("reports.sales.totals", { products = 3, units = 12, revenue = money(11200000) }), 1, true), body)
      assert.truthy(body:find(T("reports.sales.line", { n = 1, name = rose_name, category = "Розы спек", units = 6,
        revenue = money(6000000) }), 1, true), body)
      assert.truthy(body:find(T("reports.sales.no_category"), 1, true), body)
      assert.truthy(body:find(T("reports.sales.posts"), 1, true), body)
    end)

    it("shows the accountant the same without the /posts line, and the CSV by its button", function()
      local u = person("accountant")
      u:command("/sales", D)
      local m = u:wait_message(bot.says(T("reports.sales.title_day", { date = D })), 10)
      assert.truthy(bot.body(m):find(T("reports.sales.totals", { products = 3, units = 10, revenue = money(9200000) }), 1, true))
      assert.falsy(bot.body(m):find(T("reports.sales.posts"), 1, true), bot.body(m))
      bot.press(u, m, T("reports.sales.csv_button"))
      local doc = u:wait_message(function(x) return x.document ~= nil end, 10)
      assert.equal(("sales_%s_%s.csv"):format(D, D), doc.document.file_name)
      assert.equal(products.csv(D, D), emu.files[doc.document.file_id].data)
    end)

    it("gives the manager the default range, and /sales_csv a file", function()
      local u = person("manager")
      local from, to = products.default_range()
      u:command("/sales")
      u:wait_message(bot.says(T("reports.sales.title_range", { from = from, to = to })), 10)
      u:command("/sales_csv", D0 .. " " .. D)
      local doc = u:wait_message(function(x) return x.document ~= nil end, 10)
      assert.equal(("sales_%s_%s.csv"):format(D0, D), doc.document.file_name)
    end)

    it("answers a bad range with how to write it", function()
      local u = person("marketing")
      local bad = T("reports.sales.bad_range", { days = rules.reports.SALES_DAYS, max = rules.reports.MAX_DAYS })
      for _, arg in ipairs { "2026-02-30", D .. " " .. D0, "2001-01-01 2019-01-01", "yesterday", D .. " " .. D .. " x" } do
        u:mark_seen()
        u:command("/sales", arg)
        assert.equal(bad, u:wait_message(nil, 10).text, arg)
      end
    end)

    it("refuses a florist, a courier and a customer with the roles' message", function()
      local names = {}
      for i, r in ipairs { "marketing", "manager", "accountant" } do names[i] = i18n.t("ru", "role." .. r) end
      local needs = T("roles.needs", { roles = i18n.join(names, ", ") })
      for _, role in ipairs { "florist", "courier", "client" } do
        local u = person(role)
        u:command("/sales", D)
        local m = u:wait_message(nil, 10)
        assert.equal(needs, m.text, role)
        u:command("/sales_csv", D)
        m = u:wait_message(function(x) return x.message_id > m.message_id end, 10)
        assert.equal(needs, m.text, role)
      end
    end)
  end)
end)
