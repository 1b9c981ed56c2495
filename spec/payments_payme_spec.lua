-- spec/payments_payme_spec.lua — POST /payments/payme against `guldasta
-- serve` over real HTTP, driven by devkit's Payme double: every case of
-- the Payme sandbox check-list (payments.md 1.10, P1..P22), each repeat
-- answered the same, and what each call leaves in PostgreSQL.
local json = require "json"
local pg = require "pg"
local pay = require "support.payments"
local server = require "support.server"
local Payme = require "devkit.providers.payme_caller"

local function code(a) return a and a.error and a.error.code end

describe("Payme Merchant API", function()
  local env, pm

  setup(function()
    env = pay.start()
    pm = env.payme
  end)
  teardown(function() if env then env.stop() end end)

  it("P1: wrong or missing credentials are -32504 and change nothing", function()
    local o = pay.order {}
    local before = pay.snapshot(o.id)
    local a = pm:call("CreateTransaction", { id = Payme.new_id(), time = Payme.now_ms(), amount = o.total,
                                             account = { order_id = tostring(o.id) } }, { key = "wrong" })
    assert.equal(-32504, code(a))
    assert.equal(-32504, code(pm:call("CheckPerformTransaction", { amount = o.total,
      account = { order_id = o.id } }, { auth = false })))
    -- the right key under another login is not the key
    assert.equal(-32504, code(pm:call("CheckPerformTransaction", { amount = o.total, account = { order_id = o.id } },
      { auth = "Basic " .. require("crypto").base64_encode("Payme:" .. env.key) })))
    assert.same(before, pay.snapshot(o.id))
  end)

  it("P2/P3: a wrong amount is -31001", function()
    local o = pay.order {}
    assert.equal(-31001, code(pm:check_perform(o.id, o.total + 100)))
    assert.equal(-31001, code(pm:create(o.id, o.total - 100)))
    assert.equal(0, #pay.payments(o.id))
  end)

  it("P4/P5: an unknown order is an account error naming order_id, in ru, uz and en", function()
    for _, a in ipairs { pm:check_perform(999999999, 100), (pm:create(999999999, 100)) } do
      assert.is_true(code(a) <= -31050 and code(a) >= -31099)
      assert.equal("order_id", a.error.data)
      for _, lang in ipairs { "ru", "uz", "en" } do
        assert.is_string(a.error.message[lang])
        assert.is_true(#a.error.message[lang] > 3)
      end
    end
    assert.equal(-31050, code(pm:check_perform("not-a-number", 100)))
  end)

  it("P6..P13: scenario A, create and cancel before perform", function()
    local o = pay.order { price = 7500000, count = 2 }
    -- P6
    local a = pm:check_perform(o.id, o.total)
    assert.is_true(a.result.allow)
    -- P7, P8: the repeat is identical
    local t1 = Payme.new_id()
    local c1, c2 = pm:create(o.id, o.total, { id = t1, twice = true })
    assert.equal(1, c1.result.state)
    assert.is_true(c1.result.create_time > 1e12)
    assert.same(c1.result, c2.result)
    -- P9
    local ck = pm:check(t1).result
    assert.same({ 1, 0, 0, c1.result.create_time, c1.result.transaction },
                { ck.state, ck.perform_time, ck.cancel_time, ck.create_time, ck.transaction })
    assert.equal(json.null, ck.reason)
    -- P10: another transaction for the order while T1 is open
    assert.equal(-31008, code(pm:create(o.id, o.total)))
    -- P11: cancelled twice, the same cancel_time; the order waits for payment again
    local x1, x2 = pm:twice("CancelTransaction", { id = t1, reason = 3 })
    assert.equal(-1, x1.result.state)
    assert.same(x1.result, x2.result)
    local row = pay.row(o.id)
    assert.same({ "pending", "pending" }, { row.status, row.payment_status })
    -- P12
    ck = pm:check(t1).result
    assert.same({ -1, 3, x1.result.cancel_time }, { ck.state, ck.reason, ck.cancel_time })
    -- P13
    assert.equal(-31008, code(pm:perform(t1)))
    -- the customer may try again after a cancel
    local again = pm:create(o.id, o.total)
    assert.equal(1, again.result.state)
  end)

  it("P14..P17: scenario B, create, perform and refund", function()
    local o = pay.order { price = 3000000 }
    assert.is_true(pm:check_perform(o.id, o.total).result.allow)
    local t3 = Payme.new_id()
    local c = pm:create(o.id, o.total, { id = t3 })
    assert.equal(1, c.result.state)
    -- P15: performed twice, the same perform_time; the order is paid
    local p1, p2 = pm:twice("PerformTransaction", { id = t3 })
    assert.equal(2, p1.result.state)
    assert.same(p1.result, p2.result)
    local row = pay.row(o.id)
    assert.same({ "paid", "paid", "payme" }, { row.status, row.payment_status, row.payment_method })
    -- P16
    local ck = pm:check(t3).result
    assert.same({ 2, p1.result.perform_time, 0 }, { ck.state, ck.perform_time, ck.cancel_time })
    -- P17: refunded twice alike; the order, not started, is cancelled
    local x1, x2 = pm:twice("CancelTransaction", { id = t3, reason = 5 })
    assert.equal(-2, x1.result.state)
    assert.same(x1.result, x2.result)
    row = pay.row(o.id)
    assert.same({ "cancelled", "refunded" }, { row.status, row.payment_status })
    assert.same({ -2, 5 }, { pm:check(t3).result.state, pm:check(t3).result.reason })
  end)

  it("P17: a delivered order's payment cannot be cancelled (-31007)", function()
    local o = pay.order {}
    local paid = assert(pm:pay(o.id, o.total))
    assert(pg.query("UPDATE orders SET status = 'delivered' WHERE id = $1", o.id))
    assert.equal(-31007, code(pm:refund(paid.id)))
    assert.equal(2, pm:check(paid.id).result.state)
  end)

  it("P18: an unknown transaction is -31003", function()
    local id = Payme.new_id()
    assert.equal(-31003, code(pm:check(id)))
    assert.equal(-31003, code(pm:perform(id)))
    assert.equal(-31003, code(pm:cancel(id, 1)))
  end)

  it("P19: a transaction older than 12 hours is refused and cancelled with reason 4", function()
    local o = pay.order {}
    -- created with a time already 12 h old: refused, nothing stored
    assert.equal(-31008, code(pm:create(o.id, o.total, { time = Payme.now_ms() - 43200000 - 1000 })))
    assert.equal(0, #pay.payments(o.id))
    -- created in time, performed too late
    local t = Payme.new_id()
    assert.equal(1, pm:create(o.id, o.total, { id = t }).result.state)
    assert(pg.query("UPDATE payments SET provider_ms = provider_ms - 43200000 WHERE provider_tx_id = $1", t))
    assert.equal(-31008, code(pm:perform(t)))
    local ck = pm:check(t).result
    assert.same({ -1, 4 }, { ck.state, ck.reason })
    assert.equal("pending", pay.row(o.id).payment_status)
    -- and the repeat of Create for it is -31008 too
    assert.equal(-31008, code(pm:create(o.id, o.total, { id = t })))
  end)

  it("P20: GetStatement lists by Payme's time, ascending, inclusive, with state and reason", function()
    local base = Payme.now_ms() - 3600000
    local o1, o2 = pay.order {}, pay.order {}
    local t1, t3 = Payme.new_id(), Payme.new_id()
    pm:create(o2.id, o2.total, { id = t3, time = base + 20 })
    pm:create(o1.id, o1.total, { id = t1, time = base + 10 })
    pm:cancel(t1, 3)
    pm:perform(t3)
    local st = pm:statement(base + 10, base + 20).result.transactions
    assert.equal(2, #st)
    assert.same({ t1, base + 10, -1, 3, o1.total }, { st[1].id, st[1].time, st[1].state, st[1].reason, st[1].amount })
    assert.same({ t3, base + 20, 2, json.null }, { st[2].id, st[2].time, st[2].state, st[2].reason })
    assert.equal(tostring(o1.id), st[1].account.order_id)
    assert.is_true(st[2].perform_time > 0)
    -- an empty period is an empty array
    local a, res = pm:statement(1000, 2000)
    assert.same({}, a.result.transactions)
    assert.truthy(res.body:find('"transactions":[]', 1, true))
  end)

  it("P22: GET, bad JSON and an unknown method, always with HTTP 200", function()
    local a, res = pm:call("CheckTransaction", {}, { method = "GET" })
    assert.equal(200, res.status)
    assert.equal(-32300, code(a))
    a, res = pm:call(nil, nil, { body = "{not json" })
    assert.same({ 200, -32700 }, { res.status, code(a) })
    a = pm:call("Refund", { id = "x" })
    assert.same({ -32601, "Refund" }, { code(a), a.error.data })
    a = pm:call("CreateTransaction", { id = 5 })
    assert.equal(-32600, code(a))
  end)

  it("stores every call with its answer and the caller's address; a forged one as such", function()
    local o = pay.order {}
    local id = Payme.new_id()
    pm:create(o.id, o.total, { id = id })
    pm:create(o.id, o.total, { id = id }, nil)
    local calls = pay.calls { provider = "payme", tx_id = id }
    assert.equal(2, #calls)
    for _, c in ipairs(calls) do
      assert.is_true(c.authentic)
      assert.equal("CreateTransaction", c.method)
      assert.truthy(c.remote:match("^127%.0%.0%.1:%d+$"))
      assert.equal(1, c.answer.result.state)
      assert.truthy(c.request:find(id, 1, true))
      assert.is_true(c.duration_ms >= 0)
    end
    local forged = Payme.new_id()
    pm:call("PerformTransaction", { id = forged }, { key = "guess" })
    local f = pay.calls { provider = "payme", tx_id = forged }
    assert.equal(1, #f)
    assert.is_false(f[1].authentic)
    assert.equal(-32504, f[1].error)
    assert.truthy(f[1].remote:match("^127%.0%.0%.1:"))
    server.eventually(function() return env.srv:log():find("forged call refused", 1, true) end, 5, "the warning")
  end)
  -- last: it changes the key the other cases use
  it("P21: ChangePassword stores the new key; the old one is then refused", function()
    assert.equal(-31050, code(pm:call("ChangePassword", {})))
    assert.equal(-32504, code(pm:call("ChangePassword", { password = env.key })))
    local a = pm:call("ChangePassword", { password = "new-key-0123456789" })
    assert.is_true(a.result.success)
    assert.equal(-32504, code(pm:call("CheckTransaction", { id = Payme.new_id() })))
    assert.equal(-31003, code(pm:call("CheckTransaction", { id = Payme.new_id() }, { key = "new-key-0123456789" })))
  end)
end)
