-- spec/bot_roles_spec.lua — end to end through the Bot API emulator: an
-- owner (OWNER_TG_IDS) grants and revokes staff roles with commands, every
-- handler checks its role, and a client pressing a staff button — here one
-- left over from when they were staff — gets a polite refusal.
local bot = require "support.bot"
local i18n = require "i18n"
local pg = require "pg"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local function roles_of(tg_id)
  local rows = assert(pg.query([[SELECT r.role FROM user_roles r JOIN users u ON u.id = r.user_id
                                  WHERE u.tg_id = $1 ORDER BY r.role]], tg_id))
  local out = {}
  for _, r in ipairs(rows) do out[#out + 1] = r.role end
  return out
end

describe("roles", function()
  local b, owner_id

  setup(function()
    owner_id = bot.user_id()
    b = bot.start { owner = owner_id }
  end)
  teardown(function() if b then b:stop() end end)

  -- /lang asks whether or not the user chose before (tests run in any order).
  local function user_in(id, lang) return bot.user_in(b, lang, { id = id, command = "/lang" }) end

  it("lets the owner grant and revoke, and the staff button follow", function()
    local owner, omenu = user_in(owner_id, "ru")
    assert.truthy(bot.button(omenu, T("ru", "menu.staff")), "an owner is staff")
    local x, xmenu = user_in(nil, "uz")
    assert.is_nil(bot.button(xmenu, T("uz", "menu.staff")), "a client sees no staff button")

    -- a client cannot grant, not even to themselves
    x:command("/grant", x.id .. " florist")
    x:wait_message(bot.says(T("uz", "roles.owner_only")), 10)
    assert.same({}, roles_of(x.id))

    -- the owner's mistakes get clear answers
    owner:command("/grant", "abc florist")
    owner:wait_message(bot.says(T("ru", "roles.bad_id")), 10)
    owner:command("/grant", x.id .. " baker")
    owner:wait_message(bot.says(T("ru", "roles.bad_role", { role = "baker", roles = "" }):sub(1, 12)), 10)

    owner:command("/grant", x.id .. " florist")
    owner:wait_message(bot.says(T("ru", "roles.granted", { tg_id = x.id, role = T("ru", "role.florist") })), 10)
    x:wait_message(bot.says(T("uz", "roles.you_granted", { role = T("uz", "role.florist") })), 10)
    assert.same({ "florist" }, roles_of(x.id))
    local audit = assert(pg.query([[SELECT count(*)::int AS n FROM audit_log
                                     WHERE action = 'grant_role' AND after->>'tg_id' = $1]], tostring(x.id)))[1]
    assert.equal(1, audit.n)

    owner:command("/grant", x.id .. " FLORIST")
    owner:wait_message(bot.says(T("ru", "roles.already", { tg_id = x.id, role = T("ru", "role.florist") })), 10)
    owner:command("/roles", tostring(x.id))
    owner:wait_message(bot.says(T("ru", "role.florist") .. " (florist)"), 10)

    -- the florist now has the staff button and the panel behind it
    x:command("/menu")
    local m = x:wait_message(function(msg) return bot.button(msg, T("uz", "menu.staff")) ~= nil end, 10)
    bot.press(x, m, T("uz", "menu.staff"))
    local panel = x:wait_message(bot.says(T("uz", "role.florist")), 10)
    assert.is_nil(bot.button(panel, T("uz", "staff.list_button")), "the staff list is the owner's")

    -- revoked: the old button is refused, politely, in their language
    x:command("/menu")
    m = x:wait_message(function(msg) return bot.button(msg, T("uz", "menu.staff")) ~= nil end, 10)
    owner:command("/revoke", x.id .. " florist")
    owner:wait_message(bot.says(T("ru", "roles.revoked", { tg_id = x.id, role = T("ru", "role.florist") })), 10)
    x:wait_message(bot.says(T("uz", "roles.you_revoked", { role = T("uz", "role.florist") })), 10)
    assert.same({}, roles_of(x.id))
    local q = bot.press(x, m, T("uz", "menu.staff"))
    local answer = x:wait_answer(q, 10)
    assert.equal(T("uz", "staff.refused"), answer.text)
    x:wait_message(bot.says(T("uz", "staff.refused")), 10)
    owner:command("/revoke", x.id .. " florist")
    owner:wait_message(bot.says(T("ru", "roles.not_had", { tg_id = x.id, role = T("ru", "role.florist") })), 10)

    -- a client cannot list or revoke either
    x:command("/roles")
    x:wait_message(bot.says(T("uz", "roles.owner_only")), 10)
  end)

  it("grants to someone who never wrote, and revokes from the staff list", function()
    local owner = user_in(owner_id, "ru")
    local y = bot.user_id()
    owner:command("/grant", y .. " courier")
    owner:wait_message(bot.says(T("ru", "roles.granted", { tg_id = y, role = T("ru", "role.courier") })), 10)
    assert.same({ "courier" }, roles_of(y))

    owner:command("/roles")
    local list = owner:wait_message(bot.says(T("ru", "staff.list_title")), 10)
    local label = T("ru", "staff.revoke_button", { name = tostring(y), role = T("ru", "role.courier") })
    bot.press(owner, list, label)
    local m = owner:wait_message(bot.says(T("ru", "roles.revoked", { tg_id = y, role = T("ru", "role.courier") })), 10)
    assert.equal(list.message_id, m.message_id)
    assert.is_nil(bot.button(m, label))
    assert.same({}, roles_of(y))
  end)

  it("registers each user once, on first contact", function()
    local id = bot.user_id()
    local u = b.emu:user { id = id, first_name = "Dilnoza", username = "dilnoza_b" }
    u:command("/start")
    u:wait_message(bot.says(T("ru", "lang.ask")), 10)
    u:send("salom")
    u:wait_message(bot.says(T("ru", "lang.ask")), 10)
    local rows = assert(pg.query("SELECT name, username, lang FROM users WHERE tg_id = $1", id))
    assert.equal(1, #rows)
    assert.equal("Dilnoza", rows[1].name)
    assert.equal("dilnoza_b", rows[1].username)
    assert.equal(pg.null, rows[1].lang)
  end)
end)
