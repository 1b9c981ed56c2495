-- spec/bot_csv_upload_spec.lua — a CSV sent to the bot as a document
-- (guldasta serve + the Bot API emulator, the file fetched with getFile and
-- the file link): the owner's catalog file and a manager's stock count are
-- answered with the dry run and applied only on [Apply], in one
-- transaction; a file with a refused line has no [Apply] and changes
-- nothing; a florist's file is refused.
local pg = require "pg"
local fx = require "support.orders"
local bot = require "support.bot"
local i18n = require "i18n"
local csv = require "lib.csv"
local crypto = require "crypto"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local says = bot.says
local TAG = crypto.hex(crypto.random_bytes(3))

local function code_of(pid) return assert(pg.query("SELECT code FROM products WHERE id = $1", pid))[1].code end
local function price_of(pid) return assert(pg.query("SELECT price FROM products WHERE id = $1", pid))[1].price end

describe("a CSV sent to the bot", function()
  local b, emu, owner_id, ou

  setup(function()
    b, emu, owner_id, ou = fx.owner_bot()
  end)
  teardown(function() if b then b.stop() end end)

  local function person(role, lang, name) return fx.person(emu, role, lang, name) end

  it("shows the owner a catalog file's dry run and applies it on [Apply], audited", function()
    local a = fx.product { price = 1000000 }
    local new = "spec-up-" .. TAG
    local text = csv.BOM .. "code;kind;name_ru;name_uz;price_som;active\r\n"
      .. code_of(a) .. ";stem;A;A;15000;0\r\n" .. new .. ";extra;Бант;Bant;2000;0\r\n"
    ou:send_document(text, "catalog.csv")
    local m = ou:wait_message(says(T("ru", "upload.summary.catalog",
      { file = "catalog.csv", changed = 2, unchanged = 0, refused = 0 })), 10)
    assert.truthy(bot.body(m):find(T("ru", "upload.line.new", { line = 3, code = new }), 1, true))
    assert.equal(1000000, price_of(a))
    bot.press(ou, m, T("ru", "upload.button.apply"))
    ou:wait_message(says(T("ru", "upload.applied", { changed = 2 })), 10)
    assert.equal(1500000, price_of(a))
    local n = assert(pg.query("SELECT id, price FROM products WHERE code = $1", new))[1]
    assert.equal(200000, n.price)
    local au = assert(pg.query([[SELECT actor_id, before, after FROM audit_log
                                  WHERE entity = 'products' AND entity_id = $1]], a))
    assert.equal(1, #au)
    assert.same({ price_som = 15000 }, { price_som = au[1].after.price_som })
    -- the same button again applies nothing more
    bot.press(ou, m, T("ru", "upload.button.apply"))
    ou:wait_message(says(T("ru", "upload.expired")), 10)
  end)

  it("lists a manager's stock count with a refused line, offers no [Apply] and changes nothing", function()
    local _, mu = person("manager", "uz", "Jasur")
    local a, c = fx.product { on_hand = 10 }, fx.product { on_hand = 4 }
    local text = "code,on_hand\n" .. code_of(a) .. ",12\nNOPE-" .. TAG .. ",3\n" .. code_of(c) .. ",x\n"
    mu:send_document(text, "count.csv")
    local m = mu:wait_message(says(T("uz", "upload.summary.stock",
      { file = "count.csv", changed = 1, unchanged = 0, refused = 2 })), 10)
    local body = bot.body(m)
    assert.truthy(body:find(T("uz", "upload.line.refused", { line = 3, code = "NOPE-" .. TAG,
      reason = T("uz", "upload.reason.stock.unknown_code") }), 1, true), body)
    assert.truthy(body:find(T("uz", "upload.line.refused", { line = 4, code = code_of(c),
      reason = T("uz", "upload.reason.stock.not_whole") }), 1, true), body)
    assert.truthy(body:find(T("uz", "upload.blocked"), 1, true))
    assert.is_nil(bot.button(m, T("uz", "upload.button.apply")))
    assert.equal(10, fx.on_hand(a))
  end)

  it("applies a manager's good stock count on [Apply] with correction rows", function()
    local _, mu = person("manager", "ru", "Rustam")
    local a = fx.product { on_hand = 10 }
    mu:send_document("code;name_ru;on_hand\r\n" .. code_of(a) .. ";x;7\r\n", "count2.csv")
    local m = mu:wait_message(says(T("ru", "upload.summary.stock",
      { file = "count2.csv", changed = 1, unchanged = 0, refused = 0 })), 10)
    assert.truthy(bot.body(m):find(T("ru", "upload.line.stock", { line = 2, code = code_of(a), before = 10, after = 7 }), 1, true))
    assert.equal(10, fx.on_hand(a))
    bot.press(mu, m, T("ru", "upload.button.apply"))
    mu:wait_message(says(T("ru", "upload.applied", { changed = 1 })), 10)
    assert.equal(7, fx.on_hand(a))
    local row = assert(pg.query("SELECT delta, reason, note FROM inventory_log WHERE product_id = $1", a))[1]
    assert.same({ -3, "correction", "bot upload: count2.csv" }, { row.delta, row.reason, row.note })
  end)

  it("refuses a florist's file, and changes nothing", function()
    local _, fu = person("florist", "ru", "Dilnoza")
    local a = fx.product { price = 1000000 }
    fu:send_document("code;price_som\n" .. code_of(a) .. ";1\n", "cat.csv")
    fu:wait_message(says(T("ru", "upload.role")), 10)
    assert.equal(1000000, price_of(a))
  end)
end)
