-- spec/bot_checkout_spec.lua — the checkout end to end through the Bot API
-- emulator: from the cart's [Checkout] to the order row in PostgreSQL, in
-- Russian and in Uzbek; Back and Cancel; phones typed every usual way and
-- shared as a contact; a location pin giving the zone; a double tap on
-- Confirm making one order; and an engine killed mid-checkout (SIGKILL)
-- and started again: the customer carries on where they were.
--   build/asan/guldasta-dev run spec/runner.lua spec/bot_checkout_spec.lua
local bot = require "support.bot"
local server = require "support.server"
local i18n = require "i18n"
local pg = require "pg"
local json = require "json"
local redis = require "redis"
local timer = require "timer"
local crypto = require "crypto"
local cart = require "shop.cart"
local stock = require "shop.stock"
local catalog = require "shop.catalog"
local slot_book = require "shop.slot_book"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local SHOP = { lat = 39.7747, lon = 64.4179 }      -- Labi-hovuz: zone Z1
local KOGON = { lat = 39.7236, lon = 64.5514 }     -- ~13 km: zone Z3
local TASHKENT = { lat = 41.3111, lon = 69.2797 }  -- far beyond the last zone

-- The first button whose callback_data starts with `prefix`, or nil; with
-- last = true, the last one.
local function data_button(m, prefix, last)
  local found
  for _, b in ipairs(bot.buttons(m)) do
    if b.callback_data and b.callback_data:sub(1, #prefix) == prefix then
      if not last then return b end
      found = b
    end
  end
  return found
end

local function press_data(u, m, prefix, last)
  local b = assert(data_button(m, prefix, last), "no button " .. prefix .. " on: " .. bot.body(m):sub(1, 200))
  return u:press(m, b.callback_data), b
end

local function state_of(uid)
  local raw = redis.call("GET", "checkout:" .. uid)
  if raw == redis.null then return nil end
  return json.decode(raw)
end

describe("checkout", function()
  local b, fx, promo_code
  local customers = {}

  setup(function()
    b = bot.start()
    b.emu:chat(tonumber(os.getenv("FLORIST_CHAT_ID") or "-1001"), { type = "channel", title = "Florists" })
    fx = bot.catalog(b)
    assert(pg.query([[INSERT INTO stock (product_id, on_hand) VALUES ($1, 500), ($2, 500)
                      ON CONFLICT (product_id) DO UPDATE SET on_hand = 500]], fx.rose, fx.vip))
    stock.forget({ fx.rose, fx.vip })
    catalog.invalidate()
    promo_code = "SPEC" .. crypto.hex(crypto.random_bytes(3)):upper()
    assert(pg.query([[INSERT INTO promo_codes (code, kind, value) VALUES ($1, 'percent', 10)]], promo_code))
  end)

  teardown(function()
    for _, uid in ipairs(customers) do
      for _, o in ipairs(pg.query("SELECT id, slot_id FROM orders WHERE customer_id = $1", uid) or {}) do
        slot_book.release(o)
        stock.release("o:" .. o.id)
        pg.query("DELETE FROM orders WHERE id = $1", o.id)
      end
      cart.clear(uid)
      redis.call("DEL", "checkout:" .. uid)
    end
    pg.query("DELETE FROM promo_codes WHERE code = $1", promo_code)
    bot.drop_catalog(fx)
    if b then b:stop() end
  end)

  -- A customer in `lang` with 3 roses and the VIP basket in the cart, at
  -- the checkout's first question. Returns u, their users.id and that message.
  local function customer(lang, opts)
    local u, menu = bot.user_in(b, lang, opts)
    local uid = assert(pg.query("SELECT id FROM users WHERE tg_id = $1", u.id))[1].id
    customers[#customers + 1] = uid
    catalog.invalidate()
    assert(cart.add_product(uid, fx.rose, 3))
    assert(cart.add_product(uid, fx.vip, 1))
    bot.press(u, menu, T(lang, "menu.cart"))
    local view = u:wait_message(function(m) return bot.button(m, T(lang, "checkout.start")) ~= nil end, 10)
    bot.press(u, view, T(lang, "checkout.start"))
    return u, uid, u:wait_message(bot.says(T(lang, "checkout.name.ask")), 10)
  end

  local function says(u, lang, key, vars) return u:wait_message(bot.says(T(lang, key, vars)), 10) end

  -- From the location question on, with the usual answers: the last date
  -- offered, its first window, and the given options. Returns the
  -- confirmation message.
  local function from_date(u, lang, m, o)
    o = o or {}
    press_data(u, m, "o:dt:D:", true)
    m = says(u, lang, "checkout.time.ask")
    press_data(u, m, "o:tm:T:")
    m = says(u, lang, "checkout.surprise.ask")
    bot.press(u, m, T(lang, o.surprise and "checkout.surprise.yes" or "checkout.surprise.no"))
    m = says(u, lang, "checkout.anonymous.ask")
    bot.press(u, m, T(lang, o.anonymous and "checkout.anonymous.yes" or "checkout.anonymous.no"))
    m = u:wait_message(bot.says(T(lang, "checkout.card.ask", { max = 250 }):sub(1, 20)), 10)
    if o.card then
      u:send(o.card)
      m = says(u, lang, "checkout.card.preview", { text = o.card })
      bot.press(u, m, T(lang, "checkout.card.ok"))
    else
      bot.press(u, m, T(lang, "checkout.card.none"))
    end
    m = says(u, lang, "checkout.promo.ask")
    if o.promo then
      u:send(o.promo:lower())
      m = says(u, lang, "checkout.payment.ask")
      assert.truthy(bot.body(m):find(T(lang, "checkout.promo.applied", { code = o.promo }), 1, true))
    else
      bot.press(u, m, T(lang, "checkout.promo.none"))
      m = says(u, lang, "checkout.payment.ask")
    end
    bot.press(u, m, T(lang, "checkout.payment.cash"))
    return says(u, lang, "checkout.confirm.header")
  end

  -- The whole form with plain answers (name, phone, address, landmark, the
  -- shop's own point), up to the confirmation.
  local function fill(u, lang, m, o)
    u:send("Дилноза")
    says(u, lang, "checkout.phone.ask")
    u:send("90 123 45 67")
    says(u, lang, "checkout.address.ask")
    u:send("ул. Бахоуддина Накшбанди, 12, кв. 4")
    says(u, lang, "checkout.landmark.ask")
    u:send("напротив школы № 12")
    says(u, lang, "checkout.location.ask")
    u:share_location(SHOP.lat, SHOP.lon)
    m = says(u, lang, "checkout.date.ask")
    return from_date(u, lang, m, o)
  end

  local function order_of(uid)
    return pg.query([[SELECT id, status, total, items_total, delivery_fee, discount, breakdown,
                             recipient_name, recipient_phone, address, landmark, lat, lon, zone,
                             to_char(delivery_date, 'YYYY-MM-DD') AS delivery_date,
                             to_char(slot_start, 'HH24:MI') AS slot_start, to_char(slot_end, 'HH24:MI') AS slot_end,
                             slot_id, anonymous, surprise, card_text, payment_method, lang, checkout_token, promo_code
                        FROM orders WHERE customer_id = $1 ORDER BY id]], uid)
  end

  local function placed(u, lang)
    local m = u:wait_message(bot.says(T(lang, "checkout.placed_next")), 15)
    return tonumber(bot.body(m):match("(%d+)")), m
  end

  -- The order row, items, first event, slot place, reservation and cart.
  local function check_order(uid, id, want)
    local rows = order_of(uid)
    assert.are.equal(1, #rows)
    local o = rows[1]
    assert.are.equal(id, o.id)
    assert.are.equal("new", o.status)
    for k, v in pairs(want) do assert.are.same(v, o[k], k) end
    assert.truthy(o.checkout_token ~= pg.null)
    assert.are.equal(o.total, o.breakdown.total)
    assert.are.equal(o.items_total, o.breakdown.items)
    assert.are.equal(3 * 15000000 + 65000000, o.items_total)

    local items = assert(pg.query([[SELECT product_id, count, unit_price, options FROM order_items
                                     WHERE order_id = $1 ORDER BY product_id]], id))
    local by = {}
    for _, it in ipairs(items) do by[it.product_id] = it end
    assert.are.equal(2, #items)
    assert.are.same({ 3, 15000000 }, { by[fx.rose].count, by[fx.rose].unit_price })
    assert.are.same({ 1, 65000000 }, { by[fx.vip].count, by[fx.vip].unit_price })

    local ev = assert(pg.query("SELECT from_status, to_status, actor_id FROM order_events WHERE order_id = $1", id))
    assert.are.equal(1, #ev)
    assert.are.same({ pg.null, "new", uid }, { ev[1].from_status, ev[1].to_status, ev[1].actor_id })

    local slot = assert(pg.query([[SELECT to_char(date, 'YYYY-MM-DD') AS date, to_char(start_time, 'HH24:MI') AS start,
                                          taken, capacity FROM delivery_slots WHERE id = $1]], o.slot_id))[1]
    assert.are.same({ o.delivery_date, o.slot_start }, { slot.date, slot.start })
    assert.truthy(slot.taken >= 1 and slot.taken <= slot.capacity)

    -- the stock the cart held is the order's now; the cart is empty; the form is gone
    assert.are.same({ [fx.rose] = 3, [fx.vip] = 1 }, stock.held("o:" .. id))
    assert.are.same({}, stock.held("u:" .. uid))
    assert.are.equal(0, #cart.get(uid).lines)
    assert.is_nil(state_of(uid))
    return o
  end

  it("takes a Russian customer from the cart to an order in PostgreSQL", function()
    local u, uid, m = customer("ru")
    local card = "С днём рождения, мама!\nЛюблю тебя — твоя Дилноза 🌷"
    m = fill(u, "ru", m, { surprise = true, card = card })
    local body = bot.body(m)
    for _, part in ipairs { "Дилноза", "+998 90 123 45 67", "Накшбанди, 12", "напротив школы № 12", card,
                            T("ru", "checkout.confirm.surprise_yes"), T("ru", "checkout.payment.cash") } do
      assert.truthy(body:find(part, 1, true), part .. " missing on the confirmation: " .. body)
    end
    local st = state_of(uid)
    bot.press(u, m, T("ru", "checkout.confirm.button"))
    local id = placed(u, "ru")
    local o = check_order(uid, id, {
      recipient_name = "Дилноза", recipient_phone = "+998901234567",
      address = "ул. Бахоуддина Накшбанди, 12, кв. 4", landmark = "напротив школы № 12",
      lat = SHOP.lat, lon = SHOP.lon, zone = "Z1", surprise = true, anonymous = false,
      card_text = card, payment_method = "cash", lang = "ru", promo_code = pg.null, discount = 0,
      delivery_date = st.date, slot_start = st.start, slot_end = st.finish,
    })
    assert.are.equal(st.total, o.total)
    assert.are.equal(st.token, o.checkout_token)
    -- the florists are told (shop/order_flow.lua posts, and remembers where)
    bot.eventually(function()
      local r = pg.query("SELECT florist_msg_id FROM orders WHERE id = $1", id)[1]
      return r.florist_msg_id ~= pg.null
    end, 10, "the florists' post")
  end)

  it("offers a returning customer their earlier recipients, and places the order with the one picked", function()
    local u, uid, m = customer("ru")
    -- no earlier order: no recipient to offer
    assert.is_nil(data_button(m, "o:nm:R:"))
    local ofx = require "support.orders"
    local me = { id = uid }
    local old = ofx.order { customer = me, items = { { fx.rose, 1 } }, recipient_name = "Малика",
      recipient_phone = "+998901112233", address = "ул. Мустакиллик, 5", landmark = "у рынка" }
    local newer = ofx.order { customer = me, items = { { fx.rose, 1 } }, recipient_name = "Гулнора",
      recipient_phone = "+998935556677", address = "Пиридастгир, 40, кв. 2", landmark = "за мечетью" }
    -- the same recipient again, later: one button, named by the latest order
    local again = ofx.order { customer = me, items = { { fx.rose, 1 } }, recipient_name = "Малика",
      recipient_phone = "+998901112233", address = "ул. Мустакиллик, 5", landmark = "у рынка" }
    -- someone else's order is never offered
    local other = ofx.customer {}
    local theirs = ofx.order { customer = other, items = { { fx.rose, 1 } }, recipient_name = "Чужой" }
    customers[#customers + 1] = other.id   -- its order goes at teardown
    -- a name too short: the question again, with the recipients now
    u:send("Я")
    m = u:wait_message(bot.says(T("ru", "checkout.recipients.pick")), 10)
    local picks = {}
    for _, btn in ipairs(bot.buttons(m)) do
      if btn.callback_data and btn.callback_data:find("^o:nm:R:") then
        assert.truthy(#btn.callback_data <= 64)
        picks[#picks + 1] = { btn.callback_data, btn.text }
      end
    end
    assert.are.same({
      { "o:nm:R:" .. again, T("ru", "checkout.recipients.button", { name = "Малика", address = "ул. Мустакиллик, 5" }) },
      { "o:nm:R:" .. newer, T("ru", "checkout.recipients.button", { name = "Гулнора", address = "Пиридастгир, 40, кв. 2" }) },
    }, picks)
    -- a forged id (a client that rewrote a button to someone else's order) fills nothing
    local shown = b.emu.chats[m.chat.id].by_id[m.message_id]
    shown.reply_markup.inline_keyboard[1][1].callback_data = "o:nm:R:" .. theirs
    u:press(m, "o:nm:R:" .. theirs)
    m = u:wait_message(bot.says(T("ru", "checkout.recipients.pick")), 10)
    assert.is_nil(state_of(uid).name)
    u:press(m, "o:nm:R:" .. newer)
    m = says(u, "ru", "checkout.location.ask")
    assert.truthy(bot.body(m):find(T("ru", "checkout.recipients.picked",
      { name = "Гулнора", phone = "+998 93 555 66 77" }), 1, true))
    u:share_location(SHOP.lat, SHOP.lon)
    m = from_date(u, "ru", says(u, "ru", "checkout.date.ask"))
    bot.press(u, m, T("ru", "checkout.confirm.button"))
    local id = placed(u, "ru")
    local o = pg.query("SELECT recipient_name, recipient_phone, address, landmark, zone FROM orders WHERE id = $1", id)[1]
    assert.are.same({ "Гулнора", "+998935556677", "Пиридастгир, 40, кв. 2", "за мечетью", "Z1" },
      { o.recipient_name, o.recipient_phone, o.address, o.landmark, o.zone })
  end)

  it("takes an Uzbek customer through a district, their own contact and a promo code", function()
    local u, uid, m = customer("uz")
    u:send("Aziza opa")
    m = says(u, "uz", "checkout.phone.ask")
    -- "it's me": the bot asks for the contact with a keyboard button
    bot.press(u, m, T("uz", "checkout.phone.me"))
    says(u, "uz", "checkout.phone.share_hint")
    u:share_contact("998933334455")
    says(u, "uz", "checkout.address.ask")
    assert.are.equal("+998933334455", pg.query("SELECT phone FROM users WHERE id = $1", uid)[1].phone)
    u:send("Kogon, Mustaqillik koʻchasi, 7-uy")
    says(u, "uz", "checkout.landmark.ask")
    u:send("Temir yoʻl vokzali yonida")
    m = says(u, "uz", "checkout.location.ask")
    bot.press(u, m, T("uz", "checkout.location.choose_district"))
    m = says(u, "uz", "checkout.location.districts")
    bot.press(u, m, T("uz", "rules.district.kogon"))
    m = says(u, "uz", "checkout.date.ask")
    assert.truthy(bot.body(m):find(T("uz", "rules.zone.Z3"), 1, true))
    m = from_date(u, "uz", m, { anonymous = true, promo = promo_code })
    local body = bot.body(m)
    assert.truthy(body:find(T("uz", "checkout.confirm.anonymous_yes"), 1, true))
    assert.truthy(body:find(T("uz", "checkout.confirm.no_card"), 1, true))
    assert.truthy(body:find(promo_code, 1, true))
    bot.press(u, m, T("uz", "checkout.confirm.button"))
    local id = placed(u, "uz")
    local o = check_order(uid, id, {
      recipient_name = "Aziza opa", recipient_phone = "+998933334455", zone = "Z3",
      lat = pg.null, lon = pg.null, anonymous = true, surprise = false, card_text = pg.null,
      lang = "uz", promo_code = promo_code,
    })
    assert.are.equal((3 * 15000000 + 65000000) // 10, o.discount)
    assert.are.equal(4000000, o.delivery_fee)
    local r = assert(pg.query("SELECT user_id FROM promo_redemptions WHERE order_id = $1", id))
    assert.are.same({ uid }, { r[1] and r[1].user_id })
  end)

  for _, how in ipairs { "/start", "/menu" } do
    it("pauses at " .. how .. ": typed text is then a search, and Continue brings the step back", function()
      local lang = "ru"
      local u, uid = customer(lang)
      u:send("Дилноза")
      says(u, lang, "checkout.phone.ask")
      u:command(how)
      local menu = says(u, lang, "menu.checkout_open")
      assert.truthy(bot.button(menu, T(lang, "menu.continue_checkout")))
      -- what the menu invites: a search, not an answer to the phone question
      u:send(fx.rose_ru)
      local found = says(u, lang, "search.found", { count = 1 })
      assert.truthy(bot.button(found, fx.rose_ru), "the rose is listed")
      assert.are.equal("ph", state_of(uid).step)
      -- and back to the form where it was left
      bot.press(u, menu, T(lang, "menu.continue_checkout"))
      local m = says(u, lang, "checkout.resumed")
      assert.truthy(bot.body(m):find(T(lang, "checkout.phone.ask"), 1, true))
      u:send("90 123 45 67")
      says(u, lang, "checkout.address.ask")
      local st = state_of(uid)
      assert.are.same({ "ad", "+998901234567" }, { st.step, st.phone })
      assert.is_nil(st.paused)
    end)
  end

  it("goes back a step keeping the answer, and cancels keeping the cart", function()
    local u, uid, m = customer("ru")
    u:send("Анна")
    m = says(u, "ru", "checkout.phone.ask")
    bot.press(u, m, T("ru", "common.back"))
    m = says(u, "ru", "checkout.name.ask")
    bot.press(u, m, T("ru", "checkout.keep", { value = "Анна" }))
    m = says(u, "ru", "checkout.phone.ask")
    u:send("+998 (91) 765-43-21")
    m = says(u, "ru", "checkout.address.ask")
    assert.are.equal("+998917654321", state_of(uid).phone)
    bot.press(u, m, T("ru", "checkout.cancel"))
    m = says(u, "ru", "checkout.cancelled")
    assert.is_nil(state_of(uid))
    assert.are.equal(2, #cart.get(uid).lines)
    -- an old button of the cancelled checkout does nothing
    assert.truthy(bot.button(m, T("ru", "checkout.to_cart")))
    bot.press(u, m, T("ru", "checkout.to_cart"))
    local view = u:wait_message(function(x) return bot.button(x, T("ru", "checkout.start")) ~= nil end, 10)
    bot.press(u, view, T("ru", "checkout.start"))
    m = says(u, "ru", "checkout.name.ask")
    assert.is_nil(bot.button(m, T("ru", "checkout.keep", { value = "Анна" })), "a new checkout starts empty")
  end)

  it("reads phones typed every usual way, refuses the rest, and takes a shared contact", function()
    local u, uid, m = customer("ru")
    u:send("Анна")
    says(u, "ru", "checkout.phone.ask")
    u:send("12345")
    m = says(u, "ru", "checkout.phone.bad_length")
    assert.truthy(bot.body(m):find(T("ru", "checkout.phone.ask"), 1, true), "the question is asked again")
    u:send("90 12x 45 67")
    says(u, "ru", "checkout.phone.bad_chars")
    u:share_contact("+79123456789")
    m = says(u, "ru", "checkout.phone.bad_contact")
    for _, typed in ipairs { "998901234567", "(90) 123-45-67", "901234567", "+998 90 123 45 67" } do
      u:send(typed)
      m = says(u, "ru", "checkout.address.ask")
      assert.are.equal("+998901234567", state_of(uid).phone)
      bot.press(u, m, T("ru", "common.back"))
      says(u, "ru", "checkout.phone.ask")
    end
    -- a contact shared from the address book (with "+")
    u:share_contact("+998 97 111 22 33")
    says(u, "ru", "checkout.address.ask")
    assert.are.equal("+998971112233", state_of(uid).phone)
  end)

  it("works out the zone from a location pin, and says when it is too far", function()
    local u, uid, m = customer("ru")
    u:send("Анна")
    says(u, "ru", "checkout.phone.ask")
    u:send("901234567")
    says(u, "ru", "checkout.address.ask")
    u:send("Каган, ул. Мустакиллик, 7")
    says(u, "ru", "checkout.landmark.ask")
    u:send("у вокзала")
    says(u, "ru", "checkout.location.ask")
    u:send("Каган")
    says(u, "ru", "checkout.location.need_pin")
    u:share_location(TASHKENT.lat, TASHKENT.lon)
    says(u, "ru", "rules.pricing.too_far")
    assert.is_nil(state_of(uid).zone)
    u:share_location(KOGON.lat, KOGON.lon)
    m = says(u, "ru", "checkout.date.ask")
    local _, zone_lines = bot.body(m):gsub(T("ru", "rules.zone.Z3"):gsub("%p", "%%%0"), "")
    assert.are.equal(1, zone_lines, "the zone is said once: " .. bot.body(m))
    local st = state_of(uid)
    assert.are.same({ "Z3", KOGON.lat, KOGON.lon }, { st.zone, st.lat, st.lon })
  end)

  it("makes one order of a double tap on Confirm", function()
    local u, uid, m = customer("ru")
    m = fill(u, "ru", m)
    local b1 = assert(bot.button(m, T("ru", "checkout.confirm.button")))
    local q1 = u:press(m, b1.callback_data)
    local q2 = u:press(m, b1.callback_data)
    local id = placed(u, "ru")
    local answer = u:wait_answer(q2, 10)
    assert.are.equal(T("ru", "checkout.already_placed", { id = id }), answer.text)
    assert.truthy(u:wait_answer(q1, 10))
    check_order(uid, id, { zone = "Z1" })
  end)

  it("resumes a checkout after the engine was killed in the middle of it", function()
    local u, uid, m = customer("uz")
    u:send("Nodira")
    says(u, "uz", "checkout.phone.ask")
    u:send("+998 90 123 45 67")
    says(u, "uz", "checkout.address.ask")

    b.srv:signal("KILL")
    b.srv.proc:wait(10)
    b.srv = server.start { env = {
      BOT_TOKEN = b.token, TELEGRAM_API_URL = b.emu.api_url, OWNER_TG_IDS = "1",
      MEDIA_DIR = b.media_dir, LOG_LEVEL = "warn", GULDASTA_WATCH = "0",
    } }

    u:send("Buxoro, Bahouddin Naqshband koʻchasi, 12")
    says(u, "uz", "checkout.landmark.ask")
    u:send("12-maktab roʻparasida")
    says(u, "uz", "checkout.location.ask")
    u:share_location(SHOP.lat, SHOP.lon)
    m = says(u, "uz", "checkout.date.ask")
    m = from_date(u, "uz", m)
    assert.truthy(bot.body(m):find("Nodira", 1, true))
    bot.press(u, m, T("uz", "checkout.confirm.button"))
    local id = placed(u, "uz")
    check_order(uid, id, { recipient_name = "Nodira", recipient_phone = "+998901234567", zone = "Z1",
                           address = "Buxoro, Bahouddin Naqshband koʻchasi, 12" })
  end)
end)

-- shop/orders_new.lua called directly: what the Confirm press relies on.
describe("orders_new.place", function()
  local orders_new = require "shop.orders_new"
  local support = require "support.orders"
  local quote = require "shop.quote"
  local emu, fx, uid, window, date, code

  local function fill_cart()
    cart.clear(uid)
    catalog.invalidate()
    assert(cart.add_product(uid, fx.rose, 2))
  end

  local function draft(over)
    local c = cart.get(uid)
    local q = assert(quote.of(c, { zone = "Z1", date = date }))
    local d = {
      token = crypto.hex(crypto.random_bytes(8)), total = q.total, lang = "ru",
      recipient_name = "Малика", recipient_phone = "+998901112233", address = "ул. Навои, 1",
      landmark = "у фонтана", zone = "Z1", delivery_date = date, slot_start = window.start,
      slot_end = window["end"], surprise = false, anonymous = false, payment_method = "cash",
    }
    for k, v in pairs(over or {}) do d[k] = v end
    return d
  end

  local function orders() return pg.query("SELECT id FROM orders WHERE customer_id = $1", uid) end

  setup(function()
    emu = support.telegram()
    fx = bot.catalog()
    assert(pg.query("INSERT INTO stock (product_id, on_hand) VALUES ($1, 100)", fx.rose))
    stock.forget({ fx.rose })
    uid = support.customer({ lang = "ru" }).id
    local open = slot_book.open_dates(os.time(), { zone = "Z1", prep_minutes = 0 })
    date = open[#open].date
    window = open[#open].windows[1]
    code = "SPEC" .. crypto.hex(crypto.random_bytes(3)):upper()
    assert(pg.query("INSERT INTO promo_codes (code, kind, value, max_uses, used) VALUES ($1, 'fixed', 100000, 1, 0)", code))
  end)

  teardown(function()
    for _, o in ipairs(pg.query("SELECT id, slot_id FROM orders WHERE customer_id = $1", uid) or {}) do
      slot_book.release(o)
      stock.release("o:" .. o.id)
      pg.query("DELETE FROM orders WHERE id = $1", o.id)
    end
    cart.clear(uid)
    pg.query("DELETE FROM promo_codes WHERE code = $1", code)
    bot.drop_catalog(fx)
    pg.query("DELETE FROM users WHERE id = $1", uid)
    support.stop(emu)
  end)

  it("re-checks the price: a total other than the one shown writes nothing", function()
    fill_cart()
    local d = draft()
    local shown = d.total
    d.total = shown - 100000
    local id, why, q = orders_new.place({ id = uid }, d)
    assert.is_nil(id)
    assert.are.equal("price_changed", why)
    assert.are.equal(shown, q.total)
    assert.are.equal(0, #orders())
    assert.are.equal(1, #cart.get(uid).lines, "the cart is kept")
  end)

  it("places once per checkout token, however often it is confirmed", function()
    fill_cart()
    local d = draft()
    local id, existed = orders_new.place({ id = uid }, d)
    assert.truthy(id)
    assert.is_false(existed)
    local again, existed2 = orders_new.place({ id = uid }, d)
    assert.are.equal(id, again)
    assert.is_true(existed2)
    assert.are.equal(1, #orders())
  end)

  it("sends the customer back to choose when the window filled up meanwhile", function()
    fill_cart()
    local was = slot_book.taken(date)[window.start] or 0
    assert(pg.query([[INSERT INTO delivery_slots (date, start_time, end_time, capacity, taken)
                      VALUES ($1::date, $2::time, $3::time, $4, $4)
                      ON CONFLICT (date, start_time) DO UPDATE SET taken = delivery_slots.capacity]],
      date, window.start, window["end"], window.capacity))
    local before = #orders()
    local id, why = orders_new.place({ id = uid }, draft())
    pg.query("UPDATE delivery_slots SET taken = $3 WHERE date = $1::date AND start_time = $2::time",
      date, window.start, was)
    assert.is_nil(id)
    assert.are.equal("slot_full", why)
    assert.are.equal(before, #orders())
    assert.are.equal(1, #cart.get(uid).lines)
  end)

  it("writes a constructor bouquet as one item per component, with the bouquet's options", function()
    cart.clear(uid)
    local stem = support.product { kind = "stem", on_hand = 50, price = 1200000, active = true }
    local green = support.product { kind = "stem", on_hand = 50, price = 300000, active = true }
    local ok, err = pcall(function()
      catalog.invalidate()
      local line = assert(cart.add_bouquet(uid, { occasion = "birthday", stems = { { product_id = stem, count = 7 },
        { product_id = green, count = 3 } } }))
      local id = assert(orders_new.place({ id = uid }, draft()))
      local items = assert(pg.query([[SELECT product_id, count, unit_price, options FROM order_items
                                       WHERE order_id = $1 ORDER BY unit_price DESC]], id))
      local rows = {}
      for _, it in ipairs(items) do
        if it.product_id == stem or it.product_id == green then rows[#rows + 1] = it end
      end
      assert.are.same({ stem, 7, 1200000 }, { rows[1].product_id, rows[1].count, rows[1].unit_price })
      assert.are.same({ green, 3, 300000 }, { rows[2].product_id, rows[2].count, rows[2].unit_price })
      for _, it in ipairs(rows) do
        assert.are.same({ line.id, "stem", false, "birthday" },
          { it.options.bouquet, it.options.what, it.options.ribbon, it.options.occasion })
      end
      assert.are.same({ [stem] = 7, [green] = 3 }, stock.held("o:" .. id))
      for _, o in ipairs(pg.query("SELECT id, slot_id FROM orders WHERE id = $1", id)) do
        slot_book.release(o)
        stock.release("o:" .. o.id)
        pg.query("DELETE FROM orders WHERE id = $1", o.id)
      end
    end)
    pg.query("DELETE FROM products WHERE id = ANY($1::bigint[])", pg.array({ stem, green }))
    catalog.invalidate()
    assert(ok, err)
  end)

  it("takes a promo code's last use, and refuses it to the next order", function()
    fill_cart()
    local c = cart.get(uid)
    local row = assert(require("shop.promo").find(code))
    local q = assert(quote.of(c, { zone = "Z1", date = date, promo = row }))
    local id = orders_new.place({ id = uid }, draft({ promo_code = code, total = q.total }))
    assert.truthy(id)
    local o = pg.query("SELECT discount, promo_code FROM orders WHERE id = $1", id)[1]
    assert.are.same({ 100000, code }, { o.discount, o.promo_code })
    fill_cart()
    local id2, why = orders_new.place({ id = uid }, draft({ promo_code = code, total = q.total }))
    assert.is_nil(id2)
    assert.are.equal("promo_used_up", why)
  end)
end)
