-- spec/bot_product_new_spec.lua — /product_new and /categories in the bot
-- (guldasta serve + the Bot API emulator), driven as the owner drives them:
-- a composition made step by step (bad answers refused with their reason
-- and the question asked again, a photo, its recipe), created with one
-- audit_log row and found by a customer's search at once; Cancel creates
-- nothing; a manager may and a florist may not; categories added, renamed
-- and hidden (its products gone from the customers' search), each audited.
local pg = require "pg"
local fs = require "fs"
local proc = require "proc"
local fx = require "support.orders"
local bot = require "support.bot"
local i18n = require "i18n"
local rules = require "rules"
local crypto = require "crypto"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local says = bot.says
local TAG = crypto.hex(crypto.random_bytes(3))
local WORD = "zqn" .. TAG:gsub("%d", "k")

local function q(sql, ...) return assert(pg.query(sql, ...)) end
local function code_of(pid) return q("SELECT code FROM products WHERE id = $1", pid)[1].code end
local function refused(lang, reason_key, params, ask_key)
  local head = T(lang, "catalog_new.refused", { reason = T(lang, reason_key, params) })
  return function(m)
    local body = bot.body(m)
    return body:find(head, 1, true) ~= nil and body:find(T(lang, ask_key), 1, true) ~= nil
  end
end

describe("/product_new and /categories in the bot", function()
  local b, emu, ou, media_dir, cat_id, hidden_word

  setup(function()
    media_dir = "/tmp/guldasta-spec-new-" .. TAG
    assert(proc.run({ "mkdir", "-p", media_dir }).code == 0)
    -- before the bot starts, so its first catalog copy has them
    cat_id = q([[INSERT INTO categories (code, name_ru, name_uz, sort) VALUES ($1, $2, $3, 998) RETURNING id]],
      "spec-new-" .. TAG, "Спекнов " .. TAG, "Spekyangi " .. TAG)[1].id
    hidden_word = "zqh" .. TAG:gsub("%d", "k")
    local pid = fx.product { active = true, name = "Peony " .. hidden_word }
    q("UPDATE products SET category_id = $2 WHERE id = $1", pid, cat_id)
    local _
    b, emu, _, ou = fx.owner_bot { env = { MEDIA_DIR = media_dir } }
  end)
  teardown(function()
    if b then b.stop() end
    proc.run({ "rm", "-rf", media_dir })
  end)

  it("makes a composition step by step: bad answers asked again, audited, found by a customer at once", function()
    local stem = fx.product { active = true, name = "Rose " .. TAG }
    local stem_code = code_of(stem)
    local code = "N" .. TAG
    local audits = q("SELECT count(*)::int AS n FROM audit_log")[1].n
    ou:command("/product_new")
    ou:wait_message(says(T("ru", "catalog_new.ask.code")), 10)
    ou:send("two words")
    ou:wait_message(refused("ru", "upload.reason.catalog.code_word", nil, "catalog_new.ask.code"), 10)
    ou:send(stem_code)
    ou:wait_message(refused("ru", "catalog_new.reason.code_taken", { code = stem_code }, "catalog_new.ask.code"), 10)
    ou:send(code)
    local m = ou:wait_message(says(T("ru", "catalog_new.ask.kind")), 10)
    bot.press(ou, m, T("ru", "catalog_new.kind.composition"))
    m = ou:wait_message(says(T("ru", "catalog_new.ask.category_code")), 10)
    bot.press(ou, m, "Спекнов " .. TAG)
    ou:wait_message(says(T("ru", "catalog_new.ask.name_ru")), 10)
    ou:send("Букет " .. WORD)
    ou:wait_message(says(T("ru", "catalog_new.ask.name_uz")), 10)
    ou:send("Guldasta " .. WORD)
    m = ou:wait_message(says(T("ru", "catalog_new.ask.description_ru")), 10)
    bot.press(ou, m, T("ru", "catalog_new.button.skip"))
    ou:wait_message(says(T("ru", "catalog_new.ask.description_uz")), 10)
    ou:send("Chiroyli guldasta")
    ou:wait_message(says(T("ru", "catalog_new.ask.price_som")), 10)
    ou:send("12 abc")
    ou:wait_message(refused("ru", "upload.reason.catalog.bad_price", nil, "catalog_new.ask.price_som"), 10)
    ou:send("250 000")
    ou:wait_message(says(T("ru", "catalog_new.ask.colour")), 10)
    ou:send("red, white")
    ou:wait_message(says(T("ru", "catalog_new.ask.occasions")), 10)
    ou:send("birthday love")
    m = ou:wait_message(says(T("ru", "catalog_new.ask.tags")), 10)
    bot.press(ou, m, T("ru", "catalog_new.button.skip"))
    m = ou:wait_message(says(T("ru", "catalog_new.ask.vip")), 10)
    bot.press(ou, m, T("ru", "catalog_new.button.yes"))
    ou:wait_message(says(T("ru", "catalog_new.ask.parts")), 10)
    ou:send("NOPE" .. TAG .. " 3")
    ou:wait_message(refused("ru", "catalog_new.reason.unknown_part", { code = "NOPE" .. TAG }, "catalog_new.ask.parts"), 10)
    ou:send(stem_code .. " 15")
    ou:wait_message(says(T("ru", "catalog_new.ask.photo")), 10)
    ou:send("no photo")
    ou:wait_message(refused("ru", "catalog_new.reason.need_photo", nil, "catalog_new.ask.photo"), 10)
    local photo = ou:send_photo()
    ou:wait_message(says(T("ru", "catalog_new.ask.mxik_code")), 10)
    ou:send("123")
    ou:wait_message(refused("ru", "upload.reason.catalog.bad_mxik", nil, "catalog_new.ask.mxik_code"), 10)
    ou:send("06031100001000000")
    ou:wait_message(says(T("ru", "catalog_new.ask.package_code")), 10)
    ou:send("1")
    local sum = ou:wait_message(says(T("ru", "catalog_new.summary")), 10)
    local body = bot.body(sum)
    for _, part in ipairs { code, "Букет " .. WORD, "Спекнов " .. TAG, assert(rules.money.format_som(25000000)),
                            "Rose " .. TAG .. " × 15", "06031100001000000" } do
      assert.truthy(body:find(part, 1, true), part .. " in " .. body)
    end
    assert.equal(0, #q("SELECT 1 FROM products WHERE code = $1", code))
    bot.press(ou, sum, T("ru", "catalog_new.button.create"))
    ou:wait_message(says(T("ru", "catalog_new.created", { code = code })), 10)

    local p = q([[SELECT p.id, p.kind, c.code AS cat, p.name_ru, p.name_uz, p.description_ru, p.description_uz,
                         p.price, p.colour, p.occasions, p.tags, p.vip, p.active, p.mxik_code, p.package_code,
                         p.media_key, p.photo_file_id
                    FROM products p LEFT JOIN categories c ON c.id = p.category_id WHERE p.code = $1]], code)[1]
    assert.same({ "composition", "spec-new-" .. TAG, "Букет " .. WORD, "Guldasta " .. WORD, pg.null,
                  "Chiroyli guldasta", 25000000, "red, white", { "birthday", "love" }, {}, true, true,
                  "06031100001000000", "1", photo.photo[1].file_id },
      { p.kind, p.cat, p.name_ru, p.name_uz, p.description_ru, p.description_uz, p.price, p.colour, p.occasions,
        p.tags, p.vip, p.active, p.mxik_code, p.package_code, p.photo_file_id })
    assert.truthy(fs.stat(media_dir .. "/" .. p.media_key), p.media_key)
    local recipe = q("SELECT component_id, count FROM composition_items WHERE composition_id = $1", p.id)
    assert.same({ { component_id = stem, count = 15 } }, recipe)
    local au = q([[SELECT actor_id, action, before, after FROM audit_log WHERE entity = 'products' AND entity_id = $1]], p.id)
    assert.equal(1, #au)
    assert.equal(audits + 1, q("SELECT count(*)::int AS n FROM audit_log")[1].n)
    assert.equal("catalog.create", au[1].action)
    assert.equal(pg.null, au[1].before)
    assert.equal(250000, au[1].after.price_som)
    assert.equal("spec-new-" .. TAG, au[1].after.category_code)
    assert.same({ { code = stem_code, count = 15 } }, au[1].after.parts)
    assert.equal(p.media_key, au[1].after.photo)

    -- a customer finds it at once, and its card comes with the photo
    local cu = emu:user { id = fx.customer({ lang = "uz" }).tg_id }
    cu:send(WORD)
    local found = cu:wait_message(says(T("uz", "search.found", { count = 1 })), 10)
    bot.press(cu, found, "Guldasta " .. WORD)
    local card = cu:wait_message(says("Guldasta " .. WORD), 10)
    assert.truthy(card.photo, "the card has the photo")
  end)

  it("creates nothing on Cancel; a manager may, a florist may not", function()
    local _, mu = fx.person(emu, "manager", "uz", "Menejer")
    local code = "C" .. TAG
    local audits = q("SELECT count(*)::int AS n FROM audit_log")[1].n
    mu:command("/product_new")
    mu:wait_message(says(T("uz", "catalog_new.ask.code")), 10)
    mu:send(code)
    local m = mu:wait_message(says(T("uz", "catalog_new.ask.kind")), 10)
    bot.press(mu, m, T("uz", "catalog_new.kind.stem"))
    m = mu:wait_message(says(T("uz", "catalog_new.ask.category_code")), 10)
    bot.press(mu, m, T("uz", "catalog_new.button.cancel"))
    mu:wait_message(says(T("uz", "catalog_new.cancelled")), 10)
    -- the flow is over: a name typed now is a search, not an answer
    mu:send("Gul " .. TAG)
    mu:wait_message(says(T("uz", "search.nothing", { query = "Gul " .. TAG })), 10)
    assert.equal(0, #q("SELECT 1 FROM products WHERE code = $1", code))
    assert.equal(audits, q("SELECT count(*)::int AS n FROM audit_log")[1].n)

    local _, fu = fx.person(emu, "florist", "ru", "Florist")
    for _, cmd in ipairs { "/product_new", "/categories" } do
      fu:command(cmd)
      fu:wait_message(says(T("ru", "roles.needs", { roles = T("ru", "role.manager") })), 10)
    end
    fu:send(code)
    fu:wait_message(says(T("ru", "search.nothing", { query = code })), 10)
    assert.equal(0, #q("SELECT 1 FROM products WHERE code = $1", code))
  end)

  it("adds, renames and hides a category, each audited; a hidden category's products leave the search", function()
    local _, mu = fx.person(emu, "manager", "ru", "Manager")
    local code = "cat-" .. TAG
    mu:command("/categories")
    local m = mu:wait_message(says(T("ru", "catalog_new.categories.title")), 10)
    bot.press(mu, m, T("ru", "catalog_new.categories.button.add"))
    mu:wait_message(says(T("ru", "catalog_new.categories.ask.code")), 10)
    mu:send("two words")
    mu:wait_message(refused("ru", "upload.reason.catalog.code_word", nil, "catalog_new.categories.ask.code"), 10)
    mu:send(code)
    mu:wait_message(says(T("ru", "catalog_new.categories.ask.name_ru")), 10)
    mu:send("Пионы " .. TAG)
    mu:wait_message(says(T("ru", "catalog_new.categories.ask.name_uz")), 10)
    mu:send("Pionlar " .. TAG)
    local card = mu:wait_message(says(T("ru", "catalog_new.categories.added")), 10)
    local c = q("SELECT id, name_ru, name_uz, active FROM categories WHERE code = $1", code)[1]
    assert.same({ "Пионы " .. TAG, "Pionlar " .. TAG, true }, { c.name_ru, c.name_uz, c.active })
    bot.press(mu, card, T("ru", "catalog_new.field.name_ru"))
    mu:wait_message(says(T("ru", "catalog_new.categories.ask.name_ru")), 10)
    mu:send("Пионы и розы " .. TAG)
    mu:wait_message(says(T("ru", "catalog_edit.saved")), 10)
    assert.equal("Пионы и розы " .. TAG, q("SELECT name_ru FROM categories WHERE id = $1", c.id)[1].name_ru)
    local au = q([[SELECT action, before, after FROM audit_log WHERE entity = 'categories' AND entity_id = $1
                   ORDER BY id]], c.id)
    assert.equal(2, #au)
    assert.equal("category.add", au[1].action)
    assert.equal(code, au[1].after.code)
    assert.same({ "category.edit", "Пионы " .. TAG, "Пионы и розы " .. TAG },
      { au[2].action, au[2].before.name_ru, au[2].after.name_ru })

    -- hiding the setup's category hides its product from a customer
    local cu = emu:user { id = fx.customer({ lang = "ru" }).tg_id }
    cu:send(hidden_word)
    cu:wait_message(says(T("ru", "search.found", { count = 1 })), 10)
    mu:command("/categories")
    m = mu:wait_message(says(T("ru", "catalog_new.categories.title")), 10)
    bot.press(mu, m, "Спекнов " .. TAG)
    m = mu:wait_message(says("spec-new-" .. TAG), 10)
    bot.press(mu, m, T("ru", "catalog_new.categories.button.hide"))
    local saved = mu:wait_message(says(T("ru", "catalog_edit.saved")), 10)
    assert.truthy(bot.button(saved, T("ru", "catalog_new.categories.button.show")))
    assert.equal(false, q("SELECT active FROM categories WHERE id = $1", cat_id)[1].active)
    cu:send(hidden_word)
    cu:wait_message(says(T("ru", "search.nothing", { query = hidden_word })), 10)
    au = q([[SELECT action, before, after FROM audit_log WHERE entity = 'categories' AND entity_id = $1]], cat_id)
    assert.same({ "category.edit", true, false }, { au[1].action, au[1].before.active, au[1].after.active })
  end)
end)
