-- scripts/shop/payments/keys.lua — the Payme key calls are checked with.
-- PAYME_KEY from the configuration, until Payme's ChangePassword pushes a
-- new one: that is kept in PostgreSQL (payment_settings) with the
-- PAYME_KEY it replaced, so every engine process uses it at once, and an
-- owner who later sets another PAYME_KEY gets that one back.
local pg = require "pg"
local config = require "config"

local M = {}

local READ = "SELECT value, replaces FROM payment_settings WHERE name = 'payme_key'"

-- The current key, or nil, "unset" (Payme is off) | "db" (cannot tell).
function M.current()
  local base = config.payme_key
  if not base then return nil, "unset" end
  local rows = pg.query(READ)
  if not rows then return nil, "db" end
  local r = rows[1]
  if r and r.replaces == base then return r.value end
  return base
end

local WRITE = [[INSERT INTO payment_settings (name, value, replaces) VALUES ('payme_key', $1, $2)
                ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, replaces = EXCLUDED.replaces,
                                                 updated_at = now()]]

-- Makes `new` the key. true, or nil, "same" (it is the key already) |
-- "db" (not stored: the old key stays).
function M.change(new)
  local cur, err = M.current()
  if not cur then return nil, err end
  if new == cur then return nil, "same" end
  if not pg.query(WRITE, new, config.payme_key) then return nil, "db" end
  return true
end

return M
