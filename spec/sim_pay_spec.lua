-- spec/sim_pay_spec.lua — the chat simulator's "pay" page plays Payme and
-- Click for `make demo`: it reads a pay button's link as the provider's
-- page would and calls the shop's /payments endpoints over HTTP with
-- devkit's doubles. Here the simulator's routes run on the spec's own
-- emulator, against `guldasta serve` with both providers configured: a
-- Payme link and a Click link are paid, a declined card leaves the order
-- awaiting payment (and tells the customer), a link that is none is refused.
local http = require "http"
local json = require "json"
local fx = require "support.orders"
local pay = require "support.payments"
local walk = require "support.walk"
local sim = require "devkit.sim.server"
local payments = require "shop.payments"
local config = require "config"

local T, is = walk.T, walk.is

describe("the simulator's pay page", function()
  local env, saved

  local function post(action, body)
    local res = assert(http.request { method = "POST", url = env.emu.api_url .. "/sim/api/" .. action,
                                      body = json.encode(body), timeout = 20 })
    return res.status, json.decode(res.body)
  end

  -- The order's link as the bot builds it, with the demo's settings.
  local function link(provider, o)
    return assert(payments.link(provider, { id = o.id, total = o.total }))
  end

  setup(function()
    env = pay.start()
    sim.install(env.emu, { pay = { url = env.srv.url, payme_key = env.key, click_service_id = pay.SERVICE_ID,
                                   click_secret = pay.SECRET } })
    -- this process builds the links as the shop does
    saved = { config.payme_merchant_id, config.payme_key, config.click_service_id, config.click_merchant_id,
              config.click_secret_key, config.payme_checkout_url }
    config.payme_merchant_id, config.payme_key = pay.MERCHANT_ID, env.key
    config.click_service_id, config.click_merchant_id, config.click_secret_key = pay.SERVICE_ID, pay.CLICK_MERCHANT_ID, pay.SECRET
    config.payme_checkout_url = env.emu.api_url .. "/sim/pay/payme"
  end)
  teardown(function()
    if saved then
      config.payme_merchant_id, config.payme_key, config.click_service_id, config.click_merchant_id,
        config.click_secret_key, config.payme_checkout_url = table.unpack(saved, 1, 6)
    end
    if env then env.stop() end
  end)

  it("serves the page at the Payme checkout address the demo sets", function()
    local o = pay.order { price = 50000 }
    local res = assert(http.request { url = link("payme", o), timeout = 10 })
    assert.equal(200, res.status)
    assert.truthy(res.body:find("pay_info", 1, true))
  end)

  it("pays with Payme and with Click", function()
    for _, provider in ipairs { "payme", "click" } do
      local o = pay.order { price = 50000, method = provider }
      local s, info = post("pay_info", { url = link(provider, o) })
      assert.same({ 200, provider, o.id, "500.00" }, { s, info.provider, info.order_id, info.amount })
      local s2, r = post("pay", { url = link(provider, o), outcome = "pay" })
      assert.same({ 200, "paid" }, { s2, r.result })
      assert.same({ "paid", "paid" }, { pay.row(o.id).status, pay.row(o.id).payment_status })
    end
  end)

  it("declines a card: the order still awaits payment and the customer hears of it", function()
    for _, provider in ipairs { "payme", "click" } do
      local c = fx.customer { lang = "ru" }
      local cu = env.emu:user { id = c.tg_id }
      local o = pay.order { price = 50000, method = provider, customer = c }
      local s, r = post("pay", { url = link(provider, o), outcome = "fail" })
      assert.same({ 200, "declined" }, { s, r.result })
      cu:wait_message(is(T("ru", "payments.pay.failed", { id = o.id })), 10)
      assert.same({ "pending", "pending" }, { pay.row(o.id).status, pay.row(o.id).payment_status })
    end
  end)

  it("refuses what is not a checkout link", function()
    local s, r = post("pay", { url = "https://example.com/nothing", outcome = "pay" })
    assert.equal(400, s)
    assert.truthy(r.error)
  end)
end)
