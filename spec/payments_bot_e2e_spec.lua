-- spec/payments_bot_e2e_spec.lua — an order paid online from /start to
-- delivered, with Payme and with Click, in Russian and in Uzbek: the
-- customer walks the bot through the Bot API emulator, picks the provider
-- at checkout (cash offered beside it), gets the order number with a pay
-- button; the provider's double (devkit/providers/) reads that button's
-- link as the provider's page would and pays over real HTTP against
-- `guldasta serve`; only then do the florists see the order, and the
-- customer is told the payment landed. Florist and courier take it to
-- delivered.
--   build/asan/guldasta-dev run spec/runner.lua spec/payments_bot_e2e_spec.lua
local fx = require "support.orders"
local bot = require "support.bot"
local walk = require "support.walk"
local pay = require "support.payments"
local pg = require "pg"

local T, is = walk.T, walk.is

-- The message's URL button (a provider's page), or nil.
local function url_button(m)
  for _, b in ipairs(bot.buttons(m)) do if b.url then return b end end
end

describe("an order paid online, from /start to delivered", function()
  local env, b
  local flowers = {}

  setup(function()
    -- made before the bot starts, so its catalog copy has them at once
    for _, provider in ipairs { "payme", "click" } do
      for _, lang in ipairs { "ru", "uz" } do
        local name = "Guldasta pay " .. bot.number()
        flowers[provider .. lang] = { name = name,
          id = pay.product { price = 2000000, on_hand = 40, name = name, active = true } }
      end
    end
    env = pay.start()
    b = { emu = env.emu }
  end)
  teardown(function() if env then env.stop() end end)

  for _, provider in ipairs { "payme", "click" } do
    for _, lang in ipairs { "ru", "uz" } do
      it("with " .. provider .. " (" .. lang .. ")", function()
        local emu = env.emu
        local flower = flowers[provider .. lang]
        local florist = fx.staff("florist", { lang = lang, name = "Malika " .. lang })
        local courier = fx.staff("courier", { lang = lang, name = "Jasur " .. lang })
        local fu = emu:user { id = florist.tg_id, first_name = florist.name }
        local ku = emu:user { id = courier.tg_id, first_name = courier.name }

        local cu, cart = walk.cart(b, lang, flower.name, 3)
        local m = walk.checkout(cu, lang, cart, { method = provider })
        for _, method in ipairs { "cash", "payme", "click" } do
          assert.truthy(walk.payment_labels[T(lang, "checkout.payment." .. method)], method .. " offered")
        end
        assert.truthy(bot.body(m):find(T(lang, "checkout.confirm.online_note",
          { minutes = require("rules").payments.HOLD_MINUTES }), 1, true))
        walk.press_data(cu, m, "o:ok:")
        m = cu:wait_message(function(x) return url_button(x) ~= nil end, 15)
        local id = math.tointeger(tonumber(bot.body(m):match("#(%d+)")))
        assert.truthy(id, bot.body(m))
        local row = fx.row(id)
        assert.same({ "pending", "pending", provider }, { row.status, row.payment_status, row.payment_method })

        -- the chosen provider's button comes first; the other one and cash follow
        local button = url_button(m)
        assert.truthy(button.text:find(provider == "payme" and "Payme" or "Click", 1, true), button.text)
        assert.truthy(bot.button(m, T(lang, "payments.pay.cash")))
        local link = pay.parse_link(button.url)
        assert.same({ provider, id }, { link.provider, link.order_id })
        -- nothing for the florists while it is unpaid
        local florists = emu:chat(emu.florists)
        local title = T("ru", "flow.post.title", { id = id })
        assert.is_nil(florists:poll_message(bot.says(title), 0.5))

        if provider == "payme" then
          assert.same({ pay.MERCHANT_ID, row.total, lang }, { link.merchant, link.amount, link.lang })
          assert(env.payme:pay(link.order_id, link.amount))
        else
          assert.same({ pay.SERVICE_ID, pay.CLICK_MERCHANT_ID, ("%d.%02d"):format(row.total // 100, row.total % 100) }, { link.service, link.merchant, link.amount })
          assert(env.click:pay(link.order_id, link.amount))
        end
        cu:wait_message(is(T(lang, "flow.customer.paid", { id = id })), 10)

        walk.deliver(emu, { cu = cu, fu = fu, ku = ku, lang = lang, id = id })

        row = fx.row(id)
        assert.same({ "delivered", "paid", provider }, { row.status, row.payment_status, row.payment_method })
        local chain = {}
        for _, e in ipairs(fx.events(id)) do chain[#chain + 1] = (e.from or "") .. ">" .. e.to end
        assert.same({ ">pending", "pending>paid", "paid>accepted", "accepted>assembling", "assembling>ready",
                      "ready>delivering", "delivering>delivered" }, chain)
        local p = pay.payments(id)
        assert.same({ 1, provider, "performed", row.total }, { #p, p[1].provider, p[1].state, p[1].amount })
        assert.equal(37, fx.on_hand(flower.id))
        assert.equal(1, #pg.query("SELECT 1 FROM inventory_log WHERE order_id = $1 AND reason = 'sale'", id))
      end)
    end
  end
end)
