-- spec/bot_small_texts_spec.lua — small things a new user read wrong: who a
-- refused command is for, /grant with a non-numeric id, the owner's and a
-- manager's /help, the colour filter's choice, the posts' last lines after
-- the order moved on, and words said one way in each language.
local bot = require "support.bot"
local fx = require "support.orders"
local i18n = require "i18n"
local pg = require "pg"
local catalog = require "shop.catalog"
local texts = require "bot.order_texts"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

describe("small texts", function()
  local b, owner_id

  setup(function()
    owner_id = bot.user_id()
    b = bot.start { owner = owner_id }
  end)
  teardown(function() if b then b:stop() end end)

  local function user_in(id, lang) return bot.user_in(b, lang, { id = id }) end

  it("says who a refused command is for", function()
    local acc = fx.staff("accountant", { lang = "ru" })
    local u = b.emu:user { id = acc.tg_id }
    u:command("/cancel_order", "1 reason")
    local m = u:wait_message(bot.says(T("ru", "roles.needs", { roles = T("ru", "role.manager") })), 10)
    assert.falsy(bot.body(m):find(T("ru", "roles.owner_only"), 1, true))
  end)

  it("asks for a numeric id when /grant gets a name", function()
    local owner = user_in(owner_id, "ru")
    owner:command("/grant", "abc florist")
    owner:wait_message(bot.says(T("ru", "roles.bad_id")), 10)
  end)

  it("lists the owner's commands in the owner's /help, and a manager's in a manager's", function()
    local owner = b.emu:user { id = owner_id }
    fx.customer { tg_id = owner_id, lang = "ru" }
    owner:command("/help")
    owner:wait_message(bot.says(T("ru", "help.owner")), 10)
    local mgr = fx.staff("manager", { lang = "ru" })
    local u = b.emu:user { id = mgr.tg_id }
    u:command("/help")
    local m = u:wait_message(bot.says(T("ru", "help.text")), 10)
    assert.truthy(bot.body(m):find(T("ru", "help.manager"), 1, true))
    assert.falsy(bot.body(m):find("/grant", 1, true))
  end)

  it("answers a colour with flowers and bouquets, not ribbons", function()
    local code = "spec-ribbon-" .. bot.number()
    local cat = assert(pg.query([[INSERT INTO categories (code, name_ru, name_uz, sort)
                                  VALUES ($1, $1, $1, 0) RETURNING id]], code))[1]
    local ribbon = assert(pg.query([[INSERT INTO products (code, category_id, kind, name_ru, name_uz, price, colour, active)
                                     VALUES ($1, $2, 'extra', $1, $1, 500000, 'white', true) RETURNING id]], code, cat.id))[1].id
    local lily = assert(pg.query([[INSERT INTO products (code, category_id, kind, name_ru, name_uz, price, colour, active)
                                   VALUES ($1, $2, 'stem', $1, $1, 900000, 'white', true) RETURNING id]], code .. "-s", cat.id))[1].id
    catalog.invalidate()
    local ids = {}
    for _, p in ipairs(catalog.filter { colour = "white" }) do ids[p.id] = true end
    pg.query("DELETE FROM stock WHERE product_id = ANY($1::bigint[])", "{" .. ribbon .. "," .. lily .. "}")
    pg.query("DELETE FROM products WHERE id = ANY($1::bigint[])", "{" .. ribbon .. "," .. lily .. "}")
    pg.query("DELETE FROM categories WHERE id = $1", cat.id)
    catalog.invalidate()
    assert.is_nil(ids[ribbon], "a white ribbon is not a white flower")
    assert.is_true(ids[lily])
  end)

  it("ends the posts with what happened", function()
    local o = { id = 7, status = "cancelled", delivery_date = "2030-03-08", slot_start = "09:00", slot_end = "12:00" }
    for _, lang in ipairs { "ru", "uz" } do
      local post = i18n.str(texts.courier_post(lang, o, {}))
      assert.truthy(post:find(T(lang, "flow.post.state.cancelled_by_customer"), 1, true), post)
      assert.falsy(post:find(": -", 1, true), post)
      o.status = "delivered"
      post = i18n.str(texts.courier_post(lang, o, {}))
      assert.falsy(post:find(T(lang, "flow.courier.title", { id = 7 }), 1, true), "no longer ready for delivery")
      assert.truthy(post:find(T(lang, "flow.courier.title_taken", { id = 7 }), 1, true))
      o.status, o.cancel_reason = "cancelled", "no answer"
      post = i18n.str(texts.courier_post(lang, o, {}))
      assert.truthy(post:find(T(lang, "flow.post.state.cancelled", { reason = "no answer" }), 1, true))
      o.cancel_reason = nil
    end
  end)

  it("says things one way in each language", function()
    assert.are.equal("soʻm", i18n.str(i18n.t("uz", "currency")))
    local function leaves(t, out)
      for _, v in pairs(t) do
        if type(v) == "table" then leaves(v, out) else out[#out + 1] = v end
      end
      return out
    end
    for _, lang in ipairs { "ru", "uz" } do
      local all = table.concat(leaves(i18n.catalog(lang), {}), "\n")
      assert.falsy(all:find("Otkritka", 1, true), "Uzbek says Tabriknoma")
      assert.falsy(all:find("№ {id}", 1, true), "an order is #N")
      assert.falsy(all:find("{id}-raqamli", 1, true), "an order is #N")
    end
  end)
end)
