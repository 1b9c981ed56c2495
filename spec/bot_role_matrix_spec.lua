-- spec/bot_role_matrix_spec.lua — every role against every command and
-- every button the router serves, end to end through the Bot API emulator.
--
-- The matrix is read from the router itself (router.entries()), so a new
-- command or button cannot escape it. For each entry that needs a role and
-- each role (a client, each staff role, the owner): a role that may not use
-- it is refused with the router's message (a command: roles.owner_only,
-- roles.needs or staff.refused_command; a button: the staff.refused toast,
-- and in a private chat the same text as a message) and nothing in the
-- database changed; a role that may is not refused (its answer may be a
-- usage message). Staff buttons ("s:<action>:<id>") are pressed in the
-- private chat, and those of florists' and couriers' work also in the
-- florists' channel and the couriers' group, where a refusal is a toast
-- only. A refused press names a real order of the spec's, so a hole would
-- show as a changed status or a new event; the accountant's press of a
-- refund's "returned" (s:rfd, the owner's) names a real refund owed.
local fx = require "support.orders"
local bot = require "support.bot"
local router = require "bot.router"
local users = require "shop.users"
local i18n = require "i18n"
local pg = require "pg"

local function T(key, vars) return i18n.str(i18n.t("ru", key, vars)) end

local ROLES = { "client", "florist", "courier", "manager", "accountant", "marketing", "owner" }

-- Entries anyone may use: the customer's side of the bot. A new entry
-- without a role must be added here on purpose, or this spec fails.
local PUBLIC = {
  command = { start = true, lang = true, menu = true, help = true, catalog = true, search = true, cart = true },
  callback = { l = true, lq = true, m = true, c = true, p = true, x = true, sp = true, q = true, f = true,
               fc = true, fo = true, fp = true, r = true, n = true, a = true, k = true, b = true, o = true,
               u = true, y = true, fb = true, cl = true, rm = true, sb = true },
}

-- What a user with `role` is, for users.has_role (the owner flag is
-- configuration, not a row).
local function as_user(role)
  local set = {}
  if role ~= "client" and role ~= "owner" then set[role] = true end
  return { owner = role == "owner", role_set = set, roles = {} }
end

-- The text the router sends for a refused command needing `need`.
local function needs_text(need)
  if need == "owner" then return T("roles.owner_only") end
  if need == "staff" then return T("staff.refused_command") end
  local names = {}
  for i, r in ipairs(type(need) == "table" and need or { need }) do names[i] = i18n.t("ru", "role." .. r) end
  return T("roles.needs", { roles = i18n.join(names, ", ") })
end

local function has(need, part)
  for _, r in ipairs(type(need) == "table" and need or { need }) do
    if r == part then return true end
  end
  return false
end

local function q(sql, ...) return assert(pg.query(sql, ...)) end

-- Everything a refused interaction must leave as it was: the spec's order,
-- product and people, and the counts of every log and money table.
local function snapshot(order_id, product_id, user_ids)
  local s = {}
  local o = q("SELECT status, florist_id, courier_id FROM orders WHERE id = $1", order_id)[1]
  s.order = ("%s/%s/%s"):format(o.status, tostring(o.florist_id), tostring(o.courier_id))
  s.on_hand = fx.on_hand(product_id)
  local roles = {}
  for _, r in ipairs(q([[SELECT user_id, role FROM user_roles WHERE user_id = ANY($1::bigint[])
                         ORDER BY user_id, role]], "{" .. table.concat(user_ids, ",") .. "}")) do
    roles[#roles + 1] = r.user_id .. ":" .. r.role
  end
  s.user_roles = table.concat(roles, ",")
  for _, t in ipairs { "order_events", "inventory_log", "stock_corrections", "payments", "refunds_owed",
                       "channel_posts", "audit_log", "claims", "stock_lots", "substitutions" } do
    s[t] = q("SELECT count(*)::bigint AS n FROM " .. t)[1].n
  end
  s.stock_sum = q("SELECT coalesce(sum(on_hand), 0)::bigint AS n FROM stock")[1].n
  s.threshold_sum = q("SELECT coalesce(sum(threshold), 0)::bigint AS n FROM stock")[1].n
  return s
end

describe("the role matrix", function()
  local b, people, order_id, product_id, user_ids
  local florists, couriers

  setup(function()
    local owner_tg = fx.tg_id()
    b = fx.bot { owner = owner_tg }
    people, user_ids = {}, {}
    for _, role in ipairs(ROLES) do
      local row = role == "owner" and fx.customer { tg_id = owner_tg, lang = "ru" }
                  or fx.staff(role, { lang = "ru" })
      people[role] = b.emu:user { id = row.tg_id, first_name = "Spec " .. role }
      user_ids[#user_ids + 1] = row.id
    end
    product_id = fx.product { on_hand = 20 }
    order_id = fx.order { customer = fx.customer { lang = "ru" }, items = { { product_id, 3 } } }
    florists = b.emu.chats[b.emu.florists]
    couriers = b.emu.chats[b.emu.couriers]
  end)
  teardown(function() if b then b.stop() end end)

  it("lists every entry, and every one without a role is a customer's", function()
    local n = 0
    for _, e in ipairs(router.entries()) do
      n = n + 1
      if e.kind == "staff" then
        assert.truthy(e.role, "staff action " .. e.name .. " has no role")
      elseif not e.role then
        assert.truthy(PUBLIC[e.kind][e.name],
          ("%s %q has no role and is not a customer's: give it a role or list it in PUBLIC"):format(e.kind, e.name))
      end
    end
    assert.truthy(n > 40)
  end)

  it("refuses each role what it may not do, changing nothing, and lets the others through", function()
    local refused, passed = 0, 0
    local function expect(u, role, e, where, act)
      local may = users.has_role(as_user(role), e.role)
      local label = ("%s %s %s as %s"):format(where, e.kind, e.name, role)
      local before = not may and snapshot(order_id, product_id, user_ids)
      u:mark_seen()
      act(may, label)
      if may then
        passed = passed + 1
      else
        refused = refused + 1
        assert.same(before, snapshot(order_id, product_id, user_ids), label .. " changed something")
      end
    end

    -- a press of `data` by u on a message the bot "sent" in chat (private: u's own)
    local function press(u, chat, data)
      local m = b.emu:bot_message(chat, { text = "matrix",
        reply_markup = { inline_keyboard = { { { text = "go", callback_data = data } } } } })
      return u:press(m, data)
    end

    -- A refused press names the spec's order (a hole would move it); an
    -- allowed one names no row, so the walk's own passes change nothing
    -- the later refusals are checked against.
    local function press_in(u, role, e, chat, data, where)
      expect(u, role, e, where, function(may, label)
        local cq = press(u, chat, may and data:gsub("ORDER", "2147483647") or data:gsub("ORDER", order_id))
        local a = u:wait_answer(cq, 10)
        if may then
          assert.are_not.equal(T("staff.refused"), a.text, label .. " was refused")
        else
          assert.equal(T("staff.refused"), a.text, label .. " was not refused")
          if chat.type == "private" then u:wait_message(bot.says(T("staff.refused")), 10) end
        end
      end)
    end

    for _, e in ipairs(router.entries()) do
      if e.role then
        for _, role in ipairs(ROLES) do
          local u = people[role]
          if e.kind == "command" then
            expect(u, role, e, "private", function(may, label)
              u:command("/" .. e.name)
              if may then
                local m = u:wait_message(nil, 15)
                assert.is_nil(bot.body(m):find(needs_text(e.role), 1, true), label .. " was refused")
              else
                u:wait_message(bot.says(needs_text(e.role)), 10)
              end
            end)
          else
            local data = e.kind == "staff" and ("s:%s:ORDER"):format(e.name) or e.name
            press_in(u, role, e, u.chat, data, "private")
            if e.kind == "staff" and has(e.role, "florist") then
              press_in(u, role, e, florists, data, "channel")
            end
            if e.kind == "staff" and has(e.role, "courier") then
              press_in(u, role, e, couriers, data, "group")
            end
          end
        end
      end
    end
    -- an unknown staff action is refused like any staff button, even to staff
    press_in(people.manager, "manager", { kind = "staff", name = "zz", role = "owner" }, people.manager.chat,
      "s:zz:ORDER", "private")
    assert.truthy(refused > 50 and passed > 20, ("refused %d, passed %d"):format(refused, passed))
  end)

  -- The walk's presses name an order without a refund owed, so a settling
  -- hole would change nothing there: this one names a refund owed.
  it("refuses the accountant's press of a refund's \"returned\", writing nothing, and lets the owner settle it", function()
    local refund = fx.order { customer = fx.customer { lang = "ru" }, items = { { product_id, 1 } } }
    q("INSERT INTO refunds_owed (order_id, provider, amount, reason) VALUES ($1, 'cash', 100000, 'matrix')", refund)
    local function settled()
      local r = q("SELECT settled_at, settled_by FROM refunds_owed WHERE order_id = $1", refund)[1]
      return r.settled_at ~= pg.null or r.settled_by ~= pg.null
    end
    local function press_rfd(u)
      local data = "s:rfd:" .. refund
      local m = b.emu:bot_message(u.chat, { text = "matrix",
        reply_markup = { inline_keyboard = { { { text = "go", callback_data = data } } } } })
      u:mark_seen()
      return u:wait_answer(u:press(m, data), 10).text
    end
    local acc = people.accountant
    local before = snapshot(refund, product_id, user_ids)
    assert.equal(T("staff.refused"), press_rfd(acc))
    acc:wait_message(bot.says(T("staff.refused")), 10)
    assert.same(before, snapshot(refund, product_id, user_ids))
    assert.is_false(settled())
    assert.equal(T("payments.report.settled", { order = refund }), press_rfd(people.owner))
    assert.is_true(settled())
  end)
end)
