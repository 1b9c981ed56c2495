-- spec/stock_ops_spec.lua — the stock operations of the domain
-- (scripts/shop/inventory/): a delivery, a loss, a correction after a
-- count and its second person, each with its inventory_log row, the stock
-- row and the Redis mirror that reservations read; refusals with the
-- numbers; who may do what. Runnable alone:
--   build/asan/guldasta-dev run spec/runner.lua spec/stock_ops_spec.lua
local pg = require "pg"
local fx = require "support.orders"
local rules = require "rules"
local stock = require "shop.stock"
local users = require "shop.users"
local incoming = require "shop.inventory.incoming"
local loss = require "shop.inventory.loss"
local correction = require "shop.inventory.correction"
local events = require "shop.events"

local function last_log(pid)
  local r = assert(pg.query([[SELECT * FROM inventory_log WHERE product_id = $1 ORDER BY id DESC LIMIT 1]], pid))[1]
  for k, v in pairs(r) do if v == pg.null then r[k] = nil end end
  return r
end

local function log_count(pid)
  return assert(pg.query("SELECT count(*)::int AS n FROM inventory_log WHERE product_id = $1", pid))[1].n
end

describe("stock operations", function()
  local owner, manager, florist, client

  setup(function()
    owner = users.find(1) or fx.customer { tg_id = 1 }
    owner = users.find(1)
    assert.is_true(owner.owner)
    manager = fx.staff("manager")
    florist = fx.staff("florist")
    client = fx.customer {}
  end)

  it("receives a delivery: on hand up, an 'incoming' row with cost, supplier and invoice, the mirror too", function()
    local rose = fx.product { on_hand = 4 }
    assert.equal(4, stock.available(rose))
    local res = assert(incoming.receive(florist, { product_id = rose, count = 25, unit_cost = 800000,
                                                   supplier = "Toshkent gul bozori", invoice_file_id = "AgAC-inv-1" }))
    assert.equal(29, res.on_hand)
    assert.equal(29, fx.on_hand(rose))
    assert.equal(29, stock.available(rose))
    local row = last_log(rose)
    assert.same({ 25, "incoming", florist.id, 800000, "Toshkent gul bozori", "AgAC-inv-1" },
      { row.delta, row.reason, row.actor_id, row.unit_cost, row.supplier, row.invoice_file_id })
    assert.are_not.equal(pg.null, row.created_at, "created_at")
  end)

  it("refuses a delivery without a supplier, with a bad count, or from a client", function()
    local rose = fx.product { on_hand = 4 }
    local _, key = incoming.receive(florist, { product_id = rose, count = 5, unit_cost = 1, supplier = "  " })
    assert.equal("stock.refused.no_supplier", key)
    local params
    _, key, params = incoming.receive(florist, { product_id = rose, count = 0, unit_cost = 1, supplier = "x" })
    assert.equal("stock.refused.bad_count", key)
    assert.equal(rules.inventory.MAX_UNITS, params.max)
    _, key, params = incoming.receive(client, { product_id = rose, count = 5, unit_cost = 1, supplier = "x" })
    assert.equal("stock.refused.role", key)
    assert.same({ "florist", "manager" }, params.roles)
    assert.equal(4, fx.on_hand(rose))
    assert.equal(0, log_count(rose))
  end)

  it("books a loss with its kind; 'other' needs a note; an unknown kind is refused", function()
    local rose = fx.product { on_hand = 10 }
    local res = assert(loss.record(florist, { product_id = rose, count = 3, kind = "wilted" }))
    assert.equal(7, res.on_hand)
    local row = last_log(rose)
    assert.same({ -3, "loss", "wilted", florist.id }, { row.delta, row.reason, row.loss_kind, row.actor_id })
    local _, key = loss.record(florist, { product_id = rose, count = 1, kind = "other" })
    assert.equal("stock.refused.note_needed", key)
    _, key = loss.record(florist, { product_id = rose, count = 1, kind = "stolen" })
    assert.equal("stock.refused.loss_kind", key)
    assert(loss.record(manager, { product_id = rose, count = 1, kind = "other", note = "dropped in the van" }))
    row = last_log(rose)
    assert.same({ "other", "dropped in the van", manager.id }, { row.loss_kind, row.note, row.actor_id })
    assert.equal(6, fx.on_hand(rose))
    assert.equal(6, stock.available(rose))
  end)

  it("never goes below zero: refused with the numbers, nothing written", function()
    local rose = fx.product { on_hand = 2 }
    local res, key, params = loss.record(florist, { product_id = rose, count = 3, kind = "broken" })
    assert.is_nil(res)
    assert.equal("stock.refused.below_zero", key)
    assert.equal(2, params.on_hand)
    assert.equal(3, params.count)
    assert.equal(2, fx.on_hand(rose))
    assert.equal(0, log_count(rose))
  end)

  it("never goes below what carts and orders reserve: refused with the numbers", function()
    local rose = fx.product { on_hand = 10 }
    local holder = "u:spec-stock-" .. rose
    assert(stock.reserve(holder, { [rose] = 6 }, 60))
    local res, key, params = loss.record(florist, { product_id = rose, count = 5, kind = "wilted" })
    assert.is_nil(res)
    assert.equal("stock.refused.below_reserved", key)
    assert.same({ 10, 6, 5, 4 }, { params.on_hand, params.reserved, params.count, params.free })
    assert.equal(10, fx.on_hand(rose))
    assert.equal(0, log_count(rose))
    -- the mirror is as it was: the customer's 6 and 4 more still free
    assert.equal(4, stock.available(rose))
    assert(loss.record(florist, { product_id = rose, count = 4, kind = "wilted" }))
    assert.equal(0, stock.available(rose))
    -- a count that finds fewer than reserved is refused too
    _, key, params = correction.count(manager, { product_id = rose, counted = 5 })
    assert.equal("stock.refused.below_reserved", key)
    assert.equal(6, params.reserved)
    stock.release(holder)
    assert.equal(6, stock.available(rose))
  end)

  it("corrects a small difference at once, as 'correction'", function()
    local rose = fx.product { on_hand = 40 }
    local res = assert(correction.count(manager, { product_id = rose, counted = 38, note = "Monday count" }))
    assert.is_true(res.applied)
    assert.equal(-2, res.delta)
    assert.equal(38, fx.on_hand(rose))
    local row = last_log(rose)
    assert.same({ -2, "correction", manager.id, "Monday count" }, { row.delta, row.reason, row.actor_id, row.note })
    res = assert(correction.count(manager, { product_id = rose, counted = 38 }))
    assert.is_true(res.unchanged)
    assert.equal(1, log_count(rose))
  end)

  it("does not let a florist correct", function()
    local rose = fx.product { on_hand = 40 }
    local _, key = correction.count(florist, { product_id = rose, counted = 39 })
    assert.equal("stock.refused.role", key)
  end)

  describe("a large correction", function()
    local proposed, decided
    setup(function()
      events.on("stock.correction_proposed", "spec", function(e) proposed[#proposed + 1] = e.correction end)
      events.on("stock.correction_decided", "spec", function(e) decided[#decided + 1] = e end)
    end)
    before_each(function() proposed, decided = {}, {} end)
    teardown(function()
      events.off("stock.correction_proposed", "spec")
      events.off("stock.correction_decided", "spec")
    end)

    it("is only proposed, and approved by the owner it changes stock", function()
      local rose = fx.product { on_hand = 10 }
      local counted = 10 + rules.inventory.CORRECTION_MAX_UNITS + 5
      local res = assert(correction.count(manager, { product_id = rose, counted = counted, note = "found a bucket" }))
      assert.truthy(res.proposed)
      assert.equal(10, fx.on_hand(rose))
      assert.equal(0, log_count(rose))
      assert.equal(1, #proposed)
      assert.equal(res.proposed, proposed[1].id)
      local row = assert(pg.query("SELECT * FROM stock_corrections WHERE id = $1", res.proposed))[1]
      assert.same({ "proposed", manager.id, counted - 10 }, { row.state, row.proposed_by, row.delta })
      -- a manager cannot approve, not even another's
      local _, key = correction.approve(fx.staff("manager"), res.proposed)
      assert.equal("stock.refused.role", key)
      local done = assert(correction.approve(owner, res.proposed))
      assert.is_true(done.applied)
      assert.equal(counted, fx.on_hand(rose))
      assert.equal(counted, stock.available(rose))
      local l = last_log(rose)
      assert.same({ counted - 10, "correction", res.proposed, owner.id }, { l.delta, l.reason, l.correction_id, l.actor_id })
      row = assert(pg.query("SELECT * FROM stock_corrections WHERE id = $1", res.proposed))[1]
      assert.same({ "approved", owner.id }, { row.state, row.approved_by })
      assert.equal("approved", decided[1].state)
      -- decided once only
      _, key = correction.reject(owner, res.proposed)
      assert.equal("stock.refused.decided", key)
    end)

    it("rejected, changes nothing", function()
      local rose = fx.product { on_hand = 100 }
      local res = assert(correction.count(manager, { product_id = rose, counted = 50 }))
      assert.truthy(res.proposed)
      assert(correction.reject(owner, res.proposed))
      assert.equal(100, fx.on_hand(rose))
      assert.equal(0, log_count(rose))
      local row = assert(pg.query("SELECT state, approved_by FROM stock_corrections WHERE id = $1", res.proposed))[1]
      assert.same({ "rejected", owner.id }, { row.state, row.approved_by })
      local _, key = correction.approve(owner, res.proposed)
      assert.equal("stock.refused.decided", key)
    end)

    it("cannot be approved (or rejected) by the one who proposed it", function()
      local rose = fx.product { on_hand = 100 }
      local res = assert(correction.count(owner, { product_id = rose, counted = 30 }))
      assert.truthy(res.proposed)
      local _, key = correction.approve(owner, res.proposed)
      assert.equal("stock.refused.own_correction", key)
      _, key = correction.reject(owner, res.proposed)
      assert.equal("stock.refused.own_correction", key)
      assert.equal(100, fx.on_hand(rose))
      local row = assert(pg.query("SELECT state FROM stock_corrections WHERE id = $1", res.proposed))[1]
      assert.equal("proposed", row.state)
    end)

    it("approved later is refused when it would go below what is reserved then", function()
      local rose = fx.product { on_hand = 100 }
      local res = assert(correction.count(manager, { product_id = rose, counted = 40 }))
      local holder = "u:spec-stock-late-" .. rose
      assert(stock.reserve(holder, { [rose] = 70 }, 60))
      local _, key, params = correction.approve(owner, res.proposed)
      assert.equal("stock.refused.below_reserved", key)
      assert.same({ 100, 70 }, { params.on_hand, params.reserved })
      assert.equal(100, fx.on_hand(rose))
      stock.release(holder)
    end)
  end)
end)
