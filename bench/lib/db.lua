-- bench/lib/db.lua — what a conductor does in PostgreSQL itself: register
-- the customers its load process will play, and count the database's
-- commits (around a step, the difference is the bot's transactions plus the
-- conductor's own, which the caller takes off).
local pg = require "pg"

local M = {}

-- Customers base + 1..n with a language (half ru, half uz) and the name
-- the emulator gives them ("User<id>"), so the measured updates are the
-- shop's work and not the language question. Returns pg.query's result.
function M.register_customers(base, n)
  return pg.query([[
    INSERT INTO users (tg_id, name, lang)
    SELECT $1::bigint + g, 'User' || ($1::bigint + g), CASE WHEN g % 2 = 0 THEN 'ru' ELSE 'uz' END
      FROM generate_series(1, $2::int) g
    ON CONFLICT (tg_id) DO UPDATE SET lang = EXCLUDED.lang, name = EXCLUDED.name]], base, n)
end

-- Orders an earlier benchmark left waiting (new or paid: not yet posted to
-- the florists, or posted and never accepted) are closed as cancelled, so
-- the bot's order-flow timer (scripts/bot/init.lua: repost and escalate, 50
-- of each a minute) has nothing to do in the middle of another
-- benchmark's figures. The order benchmark leaves hundreds (3 859 after
-- this session's runs); a bot benchmark run with them measured a p99 of
-- 165 ms. Returns how many were closed.
function M.close_leftover_orders()
  local rows = pg.query([[WITH closed AS (
                             UPDATE orders SET status = 'cancelled'
                              WHERE status IN ('new', 'pending', 'paid') RETURNING 1)
                           SELECT count(*)::int AS n FROM closed]])
  return rows and rows[1].n or 0
end

-- Transactions committed in this database so far (one statement itself).
function M.commits()
  local rows = pg.query([[SELECT sum(xact_commit)::bigint AS n FROM pg_stat_database
                            WHERE datname = current_database()]])
  return rows and tonumber(rows[1].n) or 0
end

return M
