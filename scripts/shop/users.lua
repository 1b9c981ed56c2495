-- scripts/shop/users.lua — who is talking: the users row, its roles, owners.
--
-- A user is registered on first contact, keyed by Telegram id. Owners are
-- not rows in user_roles: they are whoever OWNER_TG_IDS names today, so
-- removing an id from the configuration takes the power away at once.
-- An owner passes every role check.
--
-- Every update needs its user, and at thousands of updates a second one
-- query each is most of the database's work: so a user read is kept in
-- this process for CACHE_TTL seconds (one indexed query with the roles
-- folded in), and the common path never writes. With several engine
-- processes, a change made in one (a language chosen, a role granted or
-- revoked) is announced on a Redis stream (CHANGES_KEY) that every process
-- reads every CHANGES_EVERY seconds, dropping those users from its cache:
-- so another process speaks the new language within about a second, and
-- the cache can live for minutes. Names need no announcement: every
-- update carries the sender's, and a different one is a cache miss. Roles
-- are never taken from the cache: a handler that needs a role re-reads the
-- user first (M.fresh), so a revoke is obeyed at once everywhere.
local pg = require "pg"
local redis = require "redis"
local config = require "config"
local timer = require "timer"
local log = require "log"

local M = {}

-- Roles an owner may grant, in the order /roles lists them. The database
-- also knows 'client' (implicit: everyone) and 'owner' (configuration).
M.STAFF_ROLES = { "florist", "courier", "manager", "accountant", "marketing" }

local GRANTABLE = {}
for _, r in ipairs(M.STAFF_ROLES) do GRANTABLE[r] = true end

local OWNERS = {}
for _, id in ipairs(config.owner_tg_ids or {}) do OWNERS[id] = true end

local SELECT = [[
  SELECT u.id, u.tg_id, u.lang, u.name, u.username,
         ARRAY(SELECT r.role FROM user_roles r WHERE r.user_id = u.id ORDER BY r.role) AS roles
    FROM users u WHERE u.tg_id = $1]]

local function full_name(from)
  local name = from.first_name or ""
  if type(from.last_name) == "string" and from.last_name ~= "" then name = name .. " " .. from.last_name end
  if name == "" then return nil end
  return name
end

local function str_or_nil(v)
  if v == nil or v == pg.null then return nil end
  return v
end

local function decorate(row)
  row.lang = str_or_nil(row.lang)
  row.name = str_or_nil(row.name)
  row.username = str_or_nil(row.username)
  row.owner = OWNERS[row.tg_id] == true
  local set = {}
  for _, r in ipairs(row.roles) do set[r] = true end
  row.role_set = set
  return row
end

local function check(rows, err, code)
  if not rows then error(("users: %s (%s)"):format(tostring(err), tostring(code)), 2) end
  return rows
end

-- {======================================================================
-- The per-process cache
-- =======================================================================

M.CACHE_TTL = 600          -- seconds a user read is trusted (changes elsewhere: the stream below)
local CACHE_MAX = 20000    -- users kept; beyond it the older half is dropped
M.CHANGES_KEY = "users:changed"
M.CHANGES_EVERY = 1        -- seconds between reads of the stream (bot/init.lua's timer)
M.CHANGES_KEEP = 10000     -- entries the stream keeps (approximately: MAXLEN ~)

-- Two generations of entries: lookups promote from `old` to `young`; when
-- `young` is full, `old` is dropped whole. An LRU in spirit, at no cost
-- per hit, and memory bounded by 2 * CACHE_MAX small tables.
local young, old, young_n = {}, {}, 0

local function cache_get(tg_id)
  local e = young[tg_id]
  if not e then
    e = old[tg_id]
    if not e then return nil end
    old[tg_id] = nil
    young[tg_id] = e
    young_n = young_n + 1
  end
  if timer.monotonic() - e.at > M.CACHE_TTL then return nil end
  return e.user
end

local function cache_put(user)
  if not young[user.tg_id] then
    young_n = young_n + 1
    if young_n > CACHE_MAX then
      old, young, young_n = young, {}, 1
    end
  end
  young[user.tg_id] = { user = user, at = timer.monotonic() }
end

function M.forget(tg_id)
  young[tg_id], old[tg_id] = nil, nil
end

-- {======================================================================
-- Changes announced between processes
-- =======================================================================

-- The id of the last stream entry this process has applied; nil until the
-- first cache fill, which reads it *before* its database query, so a
-- change committed after that query has a later id and is seen.
local changes_seen

local function must_redis(r, err)
  if r == nil then error(("users: redis: %s"):format(tostring(err)), 0) end
  return r
end

local function track_changes()
  if changes_seen then return end
  local last = must_redis(redis.call("XREVRANGE", M.CHANGES_KEY, "+", "-", "COUNT", 1))
  changes_seen = last[1] and last[1][1] or "0-0"
end

-- Tells every process (this one included) to drop tg_id from its cache.
-- Called after the change is committed.
function M.announce(tg_id)
  M.forget(tg_id)
  local ok, err = redis.call("XADD", M.CHANGES_KEY, "MAXLEN", "~", M.CHANGES_KEEP, "*", "tg", tostring(tg_id))
  -- the database has the change; other processes see it at CACHE_TTL at worst
  if not ok then log.warn("users: cannot announce a change", { tg_id = tg_id, error = err }) end
end

-- Applies the changes announced since the last call (the timer's work).
-- Returns how many entries it read.
function M.read_changes()
  if not changes_seen then return 0 end
  local n = 0
  while true do
    local batch = must_redis(redis.call("XRANGE", M.CHANGES_KEY, "(" .. changes_seen, "+", "COUNT", 500))
    for _, e in ipairs(batch) do
      local fields = e[2]
      for i = 1, #fields, 2 do
        if fields[i] == "tg" then M.forget(math.tointeger(tonumber(fields[i + 1]))) end
      end
      changes_seen = e[1]
    end
    n = n + #batch
    if #batch < 500 then return n end
  end
end

-- The user behind a Telegram `from` object, registered if new. Raises on a
-- database error (the update's handler answers politely).
function M.touch(from)
  local tg_id = math.tointeger(from.id)
  if not tg_id then error("users.touch: from.id is not an integer") end
  local name, username = full_name(from), from.username
  local cached = cache_get(tg_id)
  if cached and (not name or name == cached.name) and (not username or username == cached.username) then
    return cached
  end
  track_changes()
  local rows = check(pg.query(SELECT, tg_id))
  if not rows[1] then
    check(pg.query([[INSERT INTO users (tg_id, name, username) VALUES ($1, $2, $3)
                      ON CONFLICT (tg_id) DO NOTHING]], tg_id, name, username))
    rows = check(pg.query(SELECT, tg_id))
    rows[1].new = true
  else
    local row = rows[1]
    if (name and name ~= str_or_nil(row.name)) or (username and username ~= str_or_nil(row.username)) then
      check(pg.query("UPDATE users SET name = $2, username = $3, updated_at = now() WHERE tg_id = $1",
        tg_id, name or str_or_nil(row.name), username or str_or_nil(row.username)))
      row.name, row.username = name or row.name, username or row.username
    end
  end
  local user = decorate(rows[1])
  cache_put(user)
  return user
end

-- The user re-read from the database (roles as they are now), for a
-- handler that needs a role. Returns the user table updated in place.
function M.fresh(user)
  local rows = check(pg.query(SELECT, user.tg_id))
  if not rows[1] then return user end
  local row = decorate(rows[1])
  for k, v in pairs(row) do user[k] = v end
  cache_put(user)
  return user
end

-- A user by Telegram id without registering, or nil.
function M.find(tg_id)
  local rows = check(pg.query(SELECT, tg_id))
  return rows[1] and decorate(rows[1]) or nil
end

function M.set_lang(user, lang)
  check(pg.query("UPDATE users SET lang = $2, updated_at = now() WHERE id = $1", user.id, lang))
  M.announce(user.tg_id)
  user.lang = lang
  cache_put(user)
end

-- The customer's own phone (E.164) as they shared it, or nil.
function M.phone(user_id)
  local rows = pg.query("SELECT phone FROM users WHERE id = $1", user_id)
  local p = rows and rows[1] and rows[1].phone
  if type(p) == "string" then return p end
  return nil
end

-- Remembers the customer's own phone for the next "it's me": true, or nil, err.
function M.set_phone(user_id, e164)
  return pg.query("UPDATE users SET phone = $2, updated_at = now() WHERE id = $1", user_id, e164)
end

function M.is_owner(user) return user.owner == true end

function M.is_staff(user)
  if user.owner then return true end
  for _, r in ipairs(M.STAFF_ROLES) do
    if user.role_set[r] then return true end
  end
  return false
end

-- need: a role name, "owner", "staff" (any staff role), or a list of roles
-- (any of them). Owners pass every check.
function M.has_role(user, need)
  if user.owner then return true end
  if need == nil or need == "client" then return true end
  if need == "owner" then return false end
  if need == "staff" then return M.is_staff(user) end
  if type(need) == "table" then
    for _, r in ipairs(need) do
      if user.role_set[r] then return true end
    end
    return false
  end
  return user.role_set[need] == true
end

function M.grantable(role) return GRANTABLE[role] == true end

-- Grants `role` to the user with Telegram id `tg_id` (registered if they
-- never wrote to the bot, so the owner can prepare staff in advance), and
-- writes the audit log in the same transaction.
-- Returns "granted" or "already"; nil, err on a database error.
-- After the commit, every process is told (M.announce).
local function announced(tg_id, res, ...)
  if res == "granted" or res == "revoked" then M.announce(tg_id) end
  return res, ...
end

function M.grant(actor, tg_id, role)
  if not GRANTABLE[role] then return nil, "bad_role" end
  return announced(tg_id, pg.transaction(function(tx)
    local u = check(tx:query([[INSERT INTO users (tg_id) VALUES ($1)
                                 ON CONFLICT (tg_id) DO UPDATE SET updated_at = users.updated_at
                                 RETURNING id]], tg_id))[1]
    local ins = check(tx:query([[INSERT INTO user_roles (user_id, role, granted_by) VALUES ($1, $2, $3)
                                   ON CONFLICT (user_id, role) DO NOTHING RETURNING id]], u.id, role, actor.id))
    if not ins[1] then return "already" end
    check(tx:query([[INSERT INTO audit_log (actor_id, action, entity, entity_id, after)
                       VALUES ($1, 'grant_role', 'user_roles', $2, $3::jsonb)]],
      actor.id, ins[1].id, { tg_id = tg_id, role = role }))
    return "granted"
  end))
end

-- Returns "revoked" or "not_had"; nil, err on a database error.
function M.revoke(actor, tg_id, role)
  if not GRANTABLE[role] then return nil, "bad_role" end
  return announced(tg_id, pg.transaction(function(tx)
    local del = check(tx:query([[DELETE FROM user_roles r USING users u
                                   WHERE r.user_id = u.id AND u.tg_id = $1 AND r.role = $2
                                   RETURNING r.id]], tg_id, role))
    if not del[1] then return "not_had" end
    check(tx:query([[INSERT INTO audit_log (actor_id, action, entity, entity_id, before)
                       VALUES ($1, 'revoke_role', 'user_roles', $2, $3::jsonb)]],
      actor.id, del[1].id, { tg_id = tg_id, role = role }))
    return "revoked"
  end))
end

-- Everyone holding a staff role: { {tg_id=, name=, role=}, ... }.
function M.staff()
  local rows = check(pg.query([[SELECT u.tg_id, u.name, r.role FROM user_roles r
                                  JOIN users u ON u.id = r.user_id
                                 WHERE r.role <> 'client'
                                 ORDER BY r.role, u.name NULLS LAST, u.tg_id LIMIT 90]]))
  for _, r in ipairs(rows) do r.name = str_or_nil(r.name) end
  return rows
end

return M
