-- scripts/bot/users.lua — who is talking: the users row, its roles, owners.
--
-- A user is registered on first contact, keyed by Telegram id. Owners are
-- not rows in user_roles: they are whoever OWNER_TG_IDS names today, so
-- removing an id from the configuration takes the power away at once.
-- An owner passes every role check.
--
-- Every update needs its user, and at thousands of updates a second one
-- query each is most of the database's work: so a user read is kept in
-- this process for CACHE_TTL seconds (one indexed query with the roles
-- folded in), and the common path never writes. What that costs: with
-- several engine processes, a language chosen in one may reach another
-- up to CACHE_TTL later. Roles are never taken from the cache: a handler
-- that needs a role re-reads the user first (M.fresh), so a revoke is
-- obeyed at once everywhere.
local pg = require "pg"
local config = require "config"
local timer = require "timer"

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

M.CACHE_TTL = 5            -- seconds a user read is trusted for the language
local CACHE_MAX = 20000    -- users kept; beyond it the older half is dropped

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
  user.lang = lang
  cache_put(user)
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
function M.grant(actor, tg_id, role)
  if not GRANTABLE[role] then return nil, "bad_role" end
  return pg.transaction(function(tx)
    local u = check(tx:query([[INSERT INTO users (tg_id) VALUES ($1)
                                 ON CONFLICT (tg_id) DO UPDATE SET updated_at = users.updated_at
                                 RETURNING id]], tg_id))[1]
    local ins = check(tx:query([[INSERT INTO user_roles (user_id, role, granted_by) VALUES ($1, $2, $3)
                                   ON CONFLICT (user_id, role) DO NOTHING RETURNING id]], u.id, role, actor.id))
    M.forget(tg_id)
    if not ins[1] then return "already" end
    check(tx:query([[INSERT INTO audit_log (actor_id, action, entity, entity_id, after)
                       VALUES ($1, 'grant_role', 'user_roles', $2, $3::jsonb)]],
      actor.id, ins[1].id, { tg_id = tg_id, role = role }))
    return "granted"
  end)
end

-- Returns "revoked" or "not_had"; nil, err on a database error.
function M.revoke(actor, tg_id, role)
  if not GRANTABLE[role] then return nil, "bad_role" end
  return pg.transaction(function(tx)
    local del = check(tx:query([[DELETE FROM user_roles r USING users u
                                   WHERE r.user_id = u.id AND u.tg_id = $1 AND r.role = $2
                                   RETURNING r.id]], tg_id, role))
    M.forget(tg_id)
    if not del[1] then return "not_had" end
    check(tx:query([[INSERT INTO audit_log (actor_id, action, entity, entity_id, before)
                       VALUES ($1, 'revoke_role', 'user_roles', $2, $3::jsonb)]],
      actor.id, del[1].id, { tg_id = tg_id, role = role }))
    return "revoked"
  end)
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
