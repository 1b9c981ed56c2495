-- spec/bot_product_admin_spec.lua — /product CODE in the bot (guldasta serve
-- + the Bot API emulator): a manager changes a price (one audit_log row with
-- before and after, the card and a customer's open cart show the new price
-- at once), a refused value changes nothing, hides a product (search no
-- longer finds it) and moves it to another category; a florist is refused.
local pg = require "pg"
local fx = require "support.orders"
local bot = require "support.bot"
local i18n = require "i18n"
local rules = require "rules"
local crypto = require "crypto"
local cart = require "shop.cart"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local says = bot.says
local TAG = crypto.hex(crypto.random_bytes(3))

local function row(pid)
  return assert(pg.query("SELECT code, price, active, category_id FROM products WHERE id = $1", pid))[1]
end
local function som(tiyin) return assert(rules.money.format_som(tiyin)) end

describe("/product in the bot", function()
  local b, emu, pid, word

  setup(function()
    -- before the bot starts, so its first catalog copy has it
    word = "zqx" .. TAG:gsub("%d", "k")
    pid = fx.product { active = true, name = "Tulip " .. word }
    b = fx.bot { owner = fx.tg_id() }
    emu = b.emu
  end)
  teardown(function() if b then b.stop() end end)

  local function card(u, lang, code)
    u:command("/product " .. code)
    return u:wait_message(says(T(lang, "catalog_edit.card", {
      code = code, name_ru = "x", name_uz = "x", price = "x", description_ru = "x", description_uz = "x",
      colour = "x", category = "x", vip = "x", active = "x", mxik_code = "x", package_code = "x" })
      :match("^[^\n]*")), 10)
  end

  it("lets a manager change a price: audited, on the card and in an open cart at once", function()
    local _, mu = fx.person(emu, "manager", "ru", "Manager")
    local pid = fx.product { price = 1000000, active = true, name = "Lilac " .. TAG }
    local code = row(pid).code
    local customer = fx.customer { lang = "ru" }
    local cu = emu:user { id = customer.tg_id }
    assert(cart.add_product(customer.id, pid, 1))
    local m = card(mu, "ru", code)
    assert.truthy(bot.body(m):find(som(1000000), 1, true))
    bot.press(mu, m, T("ru", "catalog_edit.field.price_som"))
    mu:wait_message(says(T("ru", "catalog_edit.ask.price_som")), 10)
    mu:send("12 abc")
    mu:wait_message(says(T("ru", "catalog_edit.refused", { reason = T("ru", "upload.reason.catalog.bad_price") })), 10)
    assert.equal(1000000, row(pid).price)
    mu:send("13 500")
    local saved = mu:wait_message(says(T("ru", "catalog_edit.saved")), 10)
    assert.truthy(bot.body(saved):find(som(1350000), 1, true), bot.body(saved))
    assert.equal(1350000, row(pid).price)
    local au = assert(pg.query([[SELECT actor_id, action, before, after FROM audit_log
                                  WHERE entity = 'products' AND entity_id = $1]], pid))
    assert.equal(1, #au)
    assert.equal("catalog.edit", au[1].action)
    assert.equal(10000, au[1].before.price_som)
    assert.equal(13500, au[1].after.price_som)
    -- the customer's open cart shows the new price
    cu:command("/cart")
    local cm = cu:wait_message(says(T("ru", "cart.title")), 10)
    assert.truthy(bot.body(cm):find(som(1350000), 1, true), bot.body(cm))
    assert.falsy(bot.body(cm):find(som(1000000), 1, true), bot.body(cm))
  end)

  it("hides a product (search no longer finds it) and moves it to another category", function()
    local _, mu = fx.person(emu, "manager", "uz", "Menejer")
    local code = row(pid).code
    local cat = assert(pg.query([[INSERT INTO categories (code, name_ru, name_uz, sort)
                                  VALUES ($1, $2, $3, 999) RETURNING id]],
      "spec-cat-" .. TAG, "Спек " .. TAG, "Spek " .. TAG))[1].id
    local cu = emu:user { id = fx.customer({ lang = "uz" }).tg_id }
    cu:send(word)
    cu:wait_message(says(T("uz", "search.found", { count = 1 })), 10)
    local m = card(mu, "uz", code)
    bot.press(mu, m, T("uz", "catalog_edit.button.move"))
    local pick = mu:wait_message(says(T("uz", "catalog_edit.pick_category")), 10)
    bot.press(mu, pick, "Spek " .. TAG)
    local saved = mu:wait_message(says(T("uz", "catalog_edit.saved")), 10)
    assert.truthy(bot.body(saved):find("Spek " .. TAG, 1, true))
    assert.equal(cat, row(pid).category_id)
    bot.press(mu, saved, T("uz", "catalog_edit.button.hide"))
    local hidden = mu:wait_message(function(x)
      return x.message_id ~= saved.message_id and bot.body(x):find(T("uz", "catalog_edit.saved"), 1, true) ~= nil
    end, 10)
    assert.truthy(bot.button(hidden, T("uz", "catalog_edit.button.show")))
    assert.equal(false, row(pid).active)
    cu:send(word)
    cu:wait_message(says(T("uz", "search.nothing", { query = word })), 10)
    local au = assert(pg.query([[SELECT after FROM audit_log WHERE entity = 'products' AND entity_id = $1
                                  ORDER BY id]], pid))
    assert.equal(2, #au)
    assert.equal("spec-cat-" .. TAG, au[1].after.category_code)
    assert.equal(false, au[2].after.active)
  end)

  it("refuses a florist", function()
    local _, fu = fx.person(emu, "florist", "ru", "Florist")
    local pid = fx.product { price = 1000000, active = true }
    fu:command("/product " .. row(pid).code)
    fu:wait_message(says(T("ru", "roles.needs", { roles = T("ru", "role.manager") })), 10)
    assert.equal(1000000, row(pid).price)
  end)
end)
