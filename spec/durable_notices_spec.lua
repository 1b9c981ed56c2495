-- spec/durable_notices_spec.lua — a manager's assignment and a customer's
-- claim are notices driven from rows (shop/notices.lua's kind), not sent
-- once from memory: through two engine processes (`guldasta serve` on a
-- private project copy whose rules/orders.lua sweeps every second and
-- holds a claim on a notice for 30 s, longer than a send's retries) and
-- the Bot API emulator, as the owner and the customer drive them:
--   * /reassign while the Bot API fails every try of the message to the
--     florist the order went to (5xx): she is told later by the sweep,
--     once; the florist it was taken from, told fine, is not told again;
--     the reassignment's order_events row is not taken for a status move
--     (the customer hears nothing);
--   * /assign told fine is not told again;
--   * a claim whose post to the owner's chat fails (5xx) reaches it later,
--     once.
-- Before these notices were durable the late ones never came.
--
--   build/asan/guldasta-dev run spec/runner.lua spec/durable_notices_spec.lua
local fx = require "support.orders"
local bot = require "support.bot"
local server = require "support.server"
local my_orders = require "support.my_orders"
local pg = require "pg"
local i18n = require "i18n"
local timer = require "timer"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local function q(sql, ...) return assert(pg.query(sql, ...)) end
local function status(lang, s) return T(lang, "flow.status." .. s) end
local says = bot.says

-- How many of the bot's messages in u's chat say `text`.
local function count(u, text)
  local n = 0
  for _, m in ipairs(u:messages()) do
    if bot.body(m):find(text, 1, true) then n = n + 1 end
  end
  return n
end

-- Every call of the engine's try (tg/send.lua's attempts) fails.
local ATTEMPTS = require("tg.send").MAX_ATTEMPTS

describe("notices that must not be lost", function()
  local emu, dir, first, second, owner, ou

  setup(function()
    emu = fx.telegram()
    dir = server.copy_root_with_rule("orders", function(text)
      return (text:gsub("M.NOTICE_RETRY_SECONDS = %d+", "M.NOTICE_RETRY_SECONDS = 1")
                  :gsub("M.NOTICE_LEASE_SECONDS = %d+", "M.NOTICE_LEASE_SECONDS = 30"))
    end)
    owner, ou = fx.person(emu, "client", "ru", "Owner")
    first = server.start { root = dir, env = fx.serve_env(emu, owner.tg_id) }
    second = server.start { root = dir, env = fx.serve_env(emu, owner.tg_id) }
  end)

  teardown(function()
    if first then first:stop() end
    if second then second:stop() end
    fx.stop(emu)
    server.remove_root(dir)
  end)

  it("tells a reassignment's florist later when the Bot API failed, once; the one told fine not again", function()
    local f1, f1u = fx.person(emu, "florist", "ru", "Dilnoza")
    local f2, f2u = fx.person(emu, "florist", "uz", "Malika")
    local c, cu = fx.person(emu, "client", "ru", "Aziza")
    local id = fx.order { customer = c, lang = "ru", status = "accepted", items = { { fx.product {}, 1 } } }
    q("UPDATE orders SET florist_id = $2, accepted_at = now() WHERE id = $1", id, f1.id)

    emu:fail("sendMessage", ATTEMPTS, 502, nil, f2.tg_id)
    ou:command("/reassign", ("%d florist %d"):format(id, f2.tg_id))
    ou:wait_message(says(T("ru", "flow.assign.done.florist", { id = id, name = "Malika", status = status("ru", "accepted") })), 60)
    assert.equal(0, emu.faults.sendmessage.n, "every try of the first send failed")
    assert.equal(f2.id, fx.row(id).florist_id)
    local taken = T("ru", "flow.assign.taken_away", { id = id })
    f1u:wait_message(says(taken), 10)

    local told = T("uz", "flow.assign.told.florist", { id = id, status = status("uz", "accepted") })
    f2u:wait_message(says(told), 15)
    -- more sweeps by both processes (every second): nothing more
    timer.sleep(3)
    assert.equal(1, count(f2u, told), "the florist it went to was told once")
    assert.equal(1, count(f1u, taken), "the florist it was taken from was told once")
    assert.equal(0, #cu:messages(), "the reassignment is no status move for the customer")
    local left = q([[SELECT count(*)::int AS n FROM assignment_notices WHERE order_id = $1 AND told_at IS NULL]], id)
    assert.equal(0, left[1].n)
    local ev = q([[SELECT noticed_at FROM order_events WHERE order_id = $1 AND note LIKE 'florist:%' ]], id)
    assert.are_not.equal(pg.null, ev[1].noticed_at)
  end)

  it("tells an /assign's courier once", function()
    local k, ku = fx.person(emu, "courier", "ru", "Jasur")
    local c = fx.customer { lang = "ru" }
    local id = fx.order { customer = c, lang = "ru", status = "ready", items = { { fx.product {}, 1 } } }
    ou:command("/assign", ("%d courier %d"):format(id, k.tg_id))
    local told = T("ru", "flow.assign.told.courier", { id = id, status = status("ru", "delivering") })
    ku:wait_message(says(told), 15)
    timer.sleep(3)
    assert.equal(1, count(ku, told), "told once")
    local rows = q([[SELECT what, told_at FROM assignment_notices WHERE order_id = $1]], id)
    assert.equal(1, #rows)
    assert.equal("given", rows[1].what)
    assert.are_not.equal(pg.null, rows[1].told_at)
  end)

  it("posts a claim to the owner later when the Bot API failed, once", function()
    local c, u = fx.person(emu, "client", "ru", "Client")
    local id = fx.order { customer = c, lang = "ru", status = "delivered", items = { { fx.product {}, 1 } } }
    q("UPDATE orders SET delivered_at = now() - interval '1 hour' WHERE id = $1", id)

    my_orders.claim(u, id)
    emu:fail("sendPhoto", ATTEMPTS, 502, nil, owner.tg_id)
    ou:mark_seen()
    u:send_photo(nil, { caption = "Розы завяли на следующий день" })
    u:wait_message(says(T("ru", "feedback.claim.sent", { id = id })), 60)
    assert.equal(0, emu.faults.sendphoto.n, "every try of the first post failed")

    local function post(m) return m.photo ~= nil and bot.body(m):find("Розы завяли", 1, true) end
    ou:wait_message(post, 15)
    timer.sleep(3)
    local n = 0
    for _, m in ipairs(ou:messages()) do if post(m) then n = n + 1 end end
    assert.equal(1, n, "the claim was posted once")
    assert.are_not.equal(pg.null, q("SELECT told_at FROM claims WHERE order_id = $1", id)[1].told_at)
  end)
end)
