-- spec/payments_orders_spec.lua — online payments in the order's life,
-- against `guldasta serve` over real HTTP (devkit's Payme and Click
-- doubles) and the shop modules in this process: one provider per order,
-- repeated and reordered calls, a refund before and after a florist
-- started, the fiscal receipt and a product without an MXIK code, the
-- florists' post of a paid order, a payment answered while the Bot API
-- is slow, the links, and the accountant's day.
local pg = require "pg"
local json = require "json"
local timer = require "timer"
local crypto = require "crypto"
local config = require "config"
local fx = require "support.orders"
local pay = require "support.payments"
local Payme = require "devkit.providers.payme_caller"
local Click = require "devkit.providers.click_caller"
local flow = require "shop.order_flow"
local payments = require "shop.payments"
local events = require "shop.events"

local function code(a) return a and a.error and a.error.code end

describe("online payments in the order's life", function()
  local env, pm, ck

  setup(function()
    env = pay.start()
    pm, ck = env.payme, env.click
  end)
  teardown(function() if env then env.stop() end end)

  it("refuses a second provider for an order being paid, and after it is paid", function()
    local o = pay.order { price = 50000 }
    local c = pm:create(o.id, o.total)
    assert.equal(1, c.result.state)
    assert.equal(-9, ck:prepare { merchant_trans_id = o.id, amount = "500" }.error)
    -- Click first, then Payme: an account error Payme shows the payer
    local o2 = pay.order { price = 50000, method = "click" }
    assert.equal(0, ck:prepare { merchant_trans_id = o2.id, amount = "500" }.error)
    local a = pm:check_perform(o2.id, o2.total)
    assert.same({ -31051, "order_id" }, { code(a), a.error.data })
    assert.equal(-31051, code(pm:create(o2.id, o2.total)))
    -- paid with Click: Payme refused, Click's second attempt "already paid"
    local o3 = pay.order { price = 50000, method = "click" }
    assert(ck:pay(o3.id, "500"))
    assert.equal(-31052, code(pm:check_perform(o3.id, o3.total)))
    assert.equal(-4, ck:prepare { merchant_trans_id = o3.id, amount = "500" }.error)
    assert.equal(1, #pay.payments(o3.id))
  end)

  it("takes a new attempt once the open one is abandoned (rules.payments.ATTEMPT_BLOCKS_MINUTES)", function()
    local o = pay.order { price = 50000 }
    local t1 = Payme.new_id()
    pm:create(o.id, o.total, { id = t1 })
    local ms = require("rules").payments.ATTEMPT_BLOCKS_MINUTES * 60000
    assert(pg.query("UPDATE payments SET create_ms = create_ms - $2 WHERE provider_tx_id = $1", t1, ms))
    assert.equal(0, ck:prepare { merchant_trans_id = o.id, amount = "500" }.error)
    assert.same({ -1, 4 }, { pm:check(t1).result.state, pm:check(t1).result.reason })
  end)

  it("answers repeated and reordered calls as the state says", function()
    local o = pay.order {}
    local t = Payme.new_id()
    -- perform or cancel before create: unknown
    assert.equal(-31003, code(pm:perform(t)))
    assert.equal(-31003, code(pm:cancel(t, 3)))
    assert.equal(1, pm:create(o.id, o.total, { id = t }).result.state)
    -- cancel, then the late create and perform of the same id
    local x = pm:cancel(t, 2).result
    assert.equal(-31008, code(pm:create(o.id, o.total, { id = t })))
    assert.equal(-31008, code(pm:perform(t)))
    assert.same(x, pm:cancel(t, 5).result)   -- the first reason stays
    assert.equal(2, pm:check(t).result.reason)
    -- Click: complete before any prepare
    local o2 = pay.order { price = 50000, method = "click" }
    local ct = Click.new_trans_id()
    assert.equal(-6, ck:complete { click_trans_id = ct, merchant_trans_id = o2.id, amount = "500",
                                   merchant_prepare_id = 1 }.error)
    -- a complete naming another order's prepare
    local a = ck:prepare { click_trans_id = ct, merchant_trans_id = o2.id, amount = "500" }
    local o3 = pay.order { price = 50000, method = "click" }
    assert.equal(-6, ck:complete { click_trans_id = ct, merchant_trans_id = o3.id, amount = "500",
                                   merchant_prepare_id = a.merchant_prepare_id }.error)
    -- two completes at once: one pays, the other is "already paid"
    local done = {}
    local h = {}
    for i = 1, 2 do
      h[i] = require("engine").spawn(function()
        done[i] = ck:complete { click_trans_id = ct, merchant_trans_id = o2.id, amount = "500",
                                merchant_prepare_id = a.merchant_prepare_id }.error
      end)
    end
    h[1]:wait(); h[2]:wait()
    table.sort(done)
    assert.same({ -4, 0 }, done)
  end)

  it("refunds after perform: cancels an accepted order and gives its stock back", function()
    local florist = fx.staff("florist")
    env.emu:user { id = florist.tg_id }
    local rose = pay.product { price = 2000000, on_hand = 10 }
    local o = pay.order { items = { { rose, 3, 2000000 } } }
    local paid = assert(pm:pay(o.id, o.total))
    assert(flow.accept(o.id, florist))
    assert.equal(7, fx.on_hand(rose))
    local x = pm:refund(paid.id)
    assert.equal(-2, x.result.state)
    local row = pay.row(o.id)
    assert.same({ "cancelled", "refunded" }, { row.status, row.payment_status })
    assert.equal(10, fx.on_hand(rose))
    local events = fx.events(o.id)
    assert.equal("cancelled", events[#events].to)
    assert.is_nil(events[#events].actor)
  end)

  it("refunds after perform without cancelling an order the florist is assembling", function()
    local o = pay.order {}
    local paid = assert(pm:pay(o.id, o.total))
    assert(pg.query("UPDATE orders SET status = 'assembling' WHERE id = $1", o.id))
    assert.equal(-2, pm:refund(paid.id).result.state)
    local row = pay.row(o.id)
    assert.same({ "assembling", "refunded" }, { row.status, row.payment_status })
  end)

  it("gives Payme the fiscal detail from the products, summing to the amount", function()
    local a = pay.product { price = 3000000, vat = 12 }
    local b = pay.product { price = 500000, vat = 0 }
    local o = pay.order { items = { { a, 2, 3000000 }, { b, 1, 500000 } }, delivery_fee = 2000000,
                          total = 8000000, lang = "uz" }   -- 65 000 + 20 000, 5 000 off
    local d = pm:check_perform(o.id, o.total).result.detail
    assert.equal(0, d.receipt_type)
    assert.same({ title = "Yetkazib berish", price = 2000000 }, d.shipping)
    assert.equal(2, #d.items)
    local codes = pg.query("SELECT id, mxik_code, package_code FROM products WHERE id = ANY($1::bigint[]) ORDER BY id",
      pg.array { a, b })
    assert.same({ codes[1].mxik_code, codes[1].package_code, 12, 2, 3000000 },
                { d.items[1].code, d.items[1].package_code, d.items[1].vat_percent, d.items[1].count, d.items[1].price })
    assert.same({ codes[2].mxik_code, 0 }, { d.items[2].code, d.items[2].vat_percent })
    local sum = d.shipping.price
    for _, it in ipairs(d.items) do sum = sum + it.price * it.count - it.discount end
    assert.equal(o.total, sum)
  end)

  it("refuses online payment for a product without an MXIK code and tells the owner which", function()
    local good = pay.product {}
    local bad = pay.product { mxik = false, name = "Spec rose without code" }
    local o = pay.order { items = { { good, 1, 5000000 }, { bad, 2, 5000000 } } }
    local a = pm:check_perform(o.id, o.total)
    assert.same({ -31053, "order_id" }, { code(a), a.error.data })
    assert.equal(-31053, code(pm:create(o.id, o.total)))
    local o2 = pay.order { items = { { bad, 1, 5000000 } }, method = "click", total = 5000000 }
    assert.equal(-9, ck:prepare { merchant_trans_id = o2.id, amount = "50000" }.error)
    assert.equal(0, #pay.payments(o.id) + #pay.payments(o2.id))
    local n = pg.query("SELECT order_id, detail FROM payment_notices WHERE order_id = ANY($1::bigint[]) ORDER BY order_id",
      pg.array { o.id, o2.id })
    assert.equal(2, #n)
    assert.equal(1, #n[1].detail.products)
    assert.same({ bad, "Spec rose without code" }, { n[1].detail.products[1].id, n[1].detail.products[1].name_ru })
    -- the owner's chat is told, once per order, naming the product
    local owner = env.emu:chat(env.emu.owner_chat)
    for _, id in ipairs { o.id, o2.id } do
      local m = owner:wait_message(function(m)
        return (m.text or ""):find("#" .. id .. " ", 1, true) ~= nil
      end, 10)
      assert.truthy(m.text:find("Spec rose without code", 1, true), m.text)
    end
    assert.equal(-31053, code(pm:check_perform(o.id, o.total)))
    timer.sleep(0.5)
    local told = 0
    for _, m in ipairs(env.emu.chats[env.emu.owner_chat].messages) do
      if (m.text or ""):find("#" .. o.id .. " ", 1, true) then told = told + 1 end
    end
    assert.equal(1, told, "told once")
  end)

  it("tells the owner a notice whose process died holding it, once its lease ran out", function()
    local bad = pay.product { mxik = false, name = "Spec lily without code" }
    local o = pay.order { items = { { bad, 1, 5000000 } } }
    -- taken by a process an hour ago that never told it (it was killed)
    local id = assert(pg.query([[INSERT INTO payment_notices (order_id, kind, detail, created_at, told_claimed_at)
        VALUES ($1, 'no_fiscal_code', $2::jsonb, now() - interval '10 minutes', now() - interval '1 hour') RETURNING id]],
      o.id, json.encode { products = { { id = bad, name_ru = "Spec lily without code", name_uz = "Spec lily without code" } } }))[1].id
    -- this process presents it (the engine under test sweeps once a minute)
    local told = {}
    events.on("payment.notice", "spec-lease", function(e) told[#told + 1] = e.order_id; return true end)
    local function told_of(order_id)
      for _, x in ipairs(told) do if x == order_id then return true end end
      return false
    end
    assert.is_true(payments.owner_notices_sweep() >= 1)
    assert.is_true(told_of(o.id), "told by the sweep")
    assert.is_true(pg.query("SELECT told_at IS NOT NULL AS told FROM payment_notices WHERE id = $1", id)[1].told)
    -- and a notice a live process holds is left to it
    local o2 = pay.order { items = { { bad, 1, 5000000 } } }
    local id2 = assert(pg.query([[INSERT INTO payment_notices (order_id, kind, detail, created_at, told_claimed_at)
        VALUES ($1, 'no_fiscal_code', '{"products":[]}', now() - interval '10 minutes', now()) RETURNING id]], o2.id))[1].id
    payments.owner_notices_sweep()
    events.off("payment.notice", "spec-lease")
    assert.is_false(told_of(o2.id), "a notice held by a live process")
    assert.is_false(pg.query("SELECT told_at IS NOT NULL AS told FROM payment_notices WHERE id = $1", id2)[1].told)
  end)

  it("posts a paid order to the florists and answers the provider at once while the Bot API is slow", function()
    local florists = env.emu:chat(env.emu.florists)
    env.emu:slow("*", 3)
    local ok, err = pcall(function()
      for _, provider in ipairs { "payme", "click" } do
        local o = pay.order { price = 50000, method = provider }
        local t0 = timer.monotonic()
        if provider == "payme" then assert(pm:pay(o.id, o.total)) else assert(ck:pay(o.id, "500")) end
        local took = timer.monotonic() - t0
        assert(took < 1.5, provider .. " answered in " .. took .. " s")
        florists:wait_message(function(m) return (m.text or ""):find("#" .. o.id, 1, true) end, 10)
      end
    end)
    env.emu:slow("*", nil)
    assert(ok, err)
  end)

  it("offers the providers that are configured and builds their links", function()
    local saved = { config.payme_merchant_id, config.payme_key, config.click_service_id,
                    config.click_merchant_id, config.click_secret_key, config.payme_checkout_url }
    local ok, err = pcall(function()
      config.payme_merchant_id, config.payme_key = nil, nil
      config.click_service_id, config.click_merchant_id, config.click_secret_key = nil, nil, nil
      assert.same({}, payments.offer())
      config.payme_merchant_id, config.payme_key = pay.MERCHANT_ID, "k"
      assert.same({ "payme" }, payments.offer())
      config.click_service_id, config.click_merchant_id, config.click_secret_key = "31337", "11111", "s"
      local o = pay.order { price = 5000000 }
      assert.same({ "payme", "click" }, payments.offer({ id = o.id }))
      config.payme_checkout_url = nil
      local url = payments.link("payme", { id = 197, total = 500 })
      assert.equal("https://checkout.paycom.uz/" .. crypto.base64_encode("m=" .. pay.MERCHANT_ID .. ";ac.order_id=197;a=500"), url)
      config.payme_checkout_url = "https://test.paycom.uz/"
      url = payments.link("payme", { id = 197, total = 500 }, { lang = "uz", return_url = "https://t.me/shop_bot" })
      assert.equal("https://test.paycom.uz/" .. crypto.base64_encode("m=" .. pay.MERCHANT_ID
        .. ";ac.order_id=197;a=500;l=uz;c=https://t.me/shop_bot"), url)
      assert.equal("https://my.click.uz/services/pay?service_id=31337&merchant_id=11111&amount=50000.00"
        .. "&transaction_param=42&return_url=https%3A%2F%2Ft.me%2Fshop_bot",
        payments.link("click", { id = 42, total = 5000000 }, { return_url = "https://t.me/shop_bot" }))
      -- an order with a product without its codes is offered no online payment
      local bad = pay.order { mxik = false }
      local list, why = payments.offer({ id = bad.id })
      assert.same({ {}, "no_fiscal_code" }, { list, why })
    end)
    config.payme_merchant_id, config.payme_key, config.click_service_id, config.click_merchant_id,
      config.click_secret_key, config.payme_checkout_url = table.unpack(saved, 1, 6)
    assert(ok, err)
  end)

  it("shows the accountant the day's payments, refunds owed and mismatches", function()
    local today = os.date("!%Y-%m-%d", os.time() + 5 * 3600)
    local paid = pay.order {}
    assert(pm:pay(paid.id, paid.total))
    -- stuck: created long ago
    local stuck = pay.order {}
    local t = Payme.new_id()
    pm:create(stuck.id, stuck.total, { id = t })
    assert(pg.query("UPDATE payments SET create_ms = create_ms - 3600000 * 2 WHERE provider_tx_id = $1", t))
    -- a paid order without a performed transaction
    local untracked = pay.order { payment_status = "paid" }
    assert(pg.query("UPDATE orders SET paid_at = now() WHERE id = $1", untracked.id))
    -- a paid order cancelled by the shop: money owed back
    local owed = pay.order { method = "click", price = 50000 }
    assert(ck:pay(owed.id, "500"))
    assert(pg.query("UPDATE orders SET status = 'cancelled', payment_status = 'refund_pending' WHERE id = $1", owed.id))
    local d = payments.day(today)
    local kinds = {}
    for _, m in ipairs(d.mismatches) do kinds[m.order_id] = m.kind end
    assert.equal("stuck", kinds[stuck.id])
    assert.equal("paid_untracked", kinds[untracked.id])
    assert.is_nil(kinds[owed.id])   -- owed back, not a mismatch
    -- a performed transaction whose order says unpaid
    local lost = pay.order {}
    assert(pm:pay(lost.id, lost.total))
    assert(pg.query("UPDATE orders SET payment_status = 'pending', status = 'pending' WHERE id = $1", lost.id))
    -- and one whose amount is not the order's total
    local odd = pay.order {}
    assert(pm:pay(odd.id, odd.total))
    assert(pg.query("UPDATE orders SET total = total + 100 WHERE id = $1", odd.id))
    d = payments.day(today)
    kinds = {}
    for _, m in ipairs(d.mismatches) do kinds[m.order_id] = m.kind end
    assert.equal("performed_unpaid", kinds[lost.id])
    assert.equal("amount", kinds[odd.id])
    assert.is_nil(kinds[paid.id])
    local seen
    for _, p in ipairs(d.payments) do if p.order_id == paid.id then seen = p end end
    assert.same({ "payme", "performed", paid.total }, { seen.provider, seen.state, seen.amount })
    local owes
    for _, r in ipairs(d.refunds_owed) do if r.order_id == owed.id then owes = r end end
    assert.same({ "click", owed.total }, { owes.provider, owes.amount })
  end)
end)
