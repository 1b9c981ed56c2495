-- spec/users_cache_spec.lua — the per-process user cache (shop/users.lua)
-- and the Redis stream that tells every process of a change made in
-- another: a language chosen, a role granted or revoked.
--
-- "Another process" is played by writing to PostgreSQL behind this
-- process's back and announcing on the stream, which is all one does.
local users = require "shop.users"
local bot = require "support.bot"
local redis = require "redis"
local pg = require "pg"

local function from(id) return { id = id, first_name = "Cache", username = "cache_spec" } end

local function stream_has(tg_id)
  local entries = assert(redis.call("XREVRANGE", users.CHANGES_KEY, "+", "-", "COUNT", 50))
  for _, e in ipairs(entries) do
    if e[2][2] == tostring(tg_id) then return true end
  end
  return false
end

describe("the user cache", function()
  it("serves a user from memory until another process announces a change", function()
    local id = bot.user_id()
    local u = users.touch(from(id))
    users.set_lang(u, "ru")
    users.read_changes()           -- our own announcement drops it once
    assert.equal("ru", users.touch(from(id)).lang)

    -- another process changes the language but has not announced it yet:
    -- this one still answers from its cache (no query per update)
    assert(pg.query("UPDATE users SET lang = 'uz' WHERE tg_id = $1", id))
    users.read_changes()
    assert.equal("ru", users.touch(from(id)).lang)

    -- ... and now it has
    assert(redis.call("XADD", users.CHANGES_KEY, "*", "tg", tostring(id)))
    assert.is_true(users.read_changes() >= 1)
    assert.equal("uz", users.touch(from(id)).lang)
  end)

  it("announces a language chosen here", function()
    local id = bot.user_id()
    local u = users.touch(from(id))
    users.set_lang(u, "uz")
    assert.is_true(stream_has(id))
    assert.equal("uz", users.touch(from(id)).lang)
  end)

  it("announces a role granted or revoked, and not a grant that changed nothing", function()
    local id = bot.user_id()
    users.touch(from(id))
    local owner = { id = pg.null }
    assert.equal("granted", users.grant(owner, id, "courier"))
    assert.is_true(stream_has(id))
    assert(redis.call("DEL", users.CHANGES_KEY))
    assert.equal("already", users.grant(owner, id, "courier"))
    assert.is_false(stream_has(id))
    assert.equal("revoked", users.revoke(owner, id, "courier"))
    assert.is_true(stream_has(id))
  end)

  it("re-reads a user whose name changed, announced or not", function()
    local id = bot.user_id()
    users.touch(from(id))
    local renamed = from(id)
    renamed.first_name = "Renamed"
    assert.equal("Renamed", users.touch(renamed).name)
    local row = assert(pg.query("SELECT name FROM users WHERE tg_id = $1", id))[1]
    assert.equal("Renamed", row.name)
  end)
end)
