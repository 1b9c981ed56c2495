-- scripts/shop/channel/posts.lua — the shop's channel posts as records: a
-- draft (what the marketer previews), scheduled for now or for a time,
-- claimed by one engine process when due, posted with its message id,
-- edited or deleted later; a click on a post's [Order] link, and per post
-- the clicks and the orders that followed. No Telegram here: the bot
-- (bot/channel.lua) sends, and tells this file what happened.
--
--   local posts = require "shop.channel.posts"
--   local id = posts.draft{ product_id =, template =, chat_id =, lang =, caption =, created_by =, at =,
--                           photos = }
--                                 -- at: epoch seconds it is to go out (nil: now); photos: the
--                                 -- file_ids of a finished work's photos (nil: the product's own)
--   posts.schedule(id)            -- draft -> scheduled (the marketer pressed Publish)
--   posts.cancel(id)              -- draft or scheduled -> cancelled
--   local row = posts.claim_due() -- one due post, now ours to send (or nil)
--   posts.posted(id, message_ids, caption) / posts.failed(id, why)
--                                 -- message_ids: every message the post became, first first
--   posts.recaption(id, caption) / posts.deleted(id)
--   posts.click(post_id, user_id) -- true when such a post exists
--   posts.recent(limit)           -- the latest posts with clicks and orders
--
-- Orders are attributed by a join on time (rules/channel.lua,
-- ATTRIBUTION_HOURS): an order is the post's when its customer clicked that
-- post within the window before ordering, the latest click winning. So the
-- checkout writes nothing for it, and a click on a second post moves the
-- customer's next order to that one.
local pg = require "pg"
local rules = require "rules"

local M = {}

local COLS = [[id, product_id, template, chat_id, message_id, status, lang, caption, created_by, error,
  photos, message_ids,
  extract(epoch FROM scheduled_at)::bigint AS scheduled_at,
  extract(epoch FROM posted_at)::bigint AS posted_at,
  (SELECT code FROM products pr WHERE pr.id = product_id) AS code,
  (SELECT tg_id FROM users u WHERE u.id = created_by) AS creator_tg,
  (SELECT lang FROM users u WHERE u.id = created_by) AS creator_lang]]

local function check(rows, err, code)
  if not rows then error(("channel posts: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

local function null(v) if v == pg.null then return nil end return v end

local function row_of(r)
  if not r then return nil end
  for k, v in pairs(r) do r[k] = null(v) end
  return r
end

function M.find(id)
  return row_of(check(pg.query("SELECT " .. COLS .. " FROM channel_posts WHERE id = $1", id))[1])
end

-- A draft for the preview; returns its id.
function M.draft(d)
  return check(pg.query([[
    INSERT INTO channel_posts (product_id, template, chat_id, lang, caption, created_by, status, scheduled_at,
                               photos)
    VALUES ($1, $2, $3, $4, $5, $6, 'draft',
            CASE WHEN $7::bigint IS NULL THEN now() ELSE to_timestamp($7::bigint) END, $8::text[]) RETURNING id]],
    d.product_id, d.template, d.chat_id, d.lang, d.caption, d.created_by or pg.null, d.at or pg.null,
    d.photos and pg.array(d.photos) or pg.null))[1].id
end

-- The draft becomes due at the time it was drafted for (d.at), or now when
-- that has passed. Returns the row, or nil when it is no longer a draft
-- (pressed twice, cancelled).
function M.schedule(id)
  return row_of(check(pg.query([[
    UPDATE channel_posts SET status = 'scheduled', scheduled_at = greatest(scheduled_at, now())
     WHERE id = $1 AND status = 'draft' RETURNING ]] .. COLS, id))[1])
end

-- A draft (the preview's [Cancel]) or a post still waiting for its time
-- is cancelled; true when it was one.
function M.cancel(id)
  return check(pg.query([[UPDATE channel_posts SET status = 'cancelled'
                           WHERE id = $1 AND status IN ('draft', 'scheduled') RETURNING id]], id))[1] ~= nil
end

-- One due post, claimed for this process: FOR UPDATE SKIP LOCKED and the
-- status change make a second engine process take another row or none, so
-- each post goes out once. A claim left by a process that died is taken
-- again after CLAIM_STALE_MINUTES. Missed posts (the engine was down at
-- their time) are due as soon as it is back.
function M.claim_due()
  return row_of(check(pg.query([[
    UPDATE channel_posts SET status = 'posting', claimed_at = now()
     WHERE id = (SELECT id FROM channel_posts
                  WHERE scheduled_at <= now()
                    AND (status = 'scheduled'
                         OR (status = 'posting' AND claimed_at < now() - make_interval(mins => $1)))
                  ORDER BY scheduled_at, id
                  LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING ]] .. COLS, rules.channel.CLAIM_STALE_MINUTES))[1])
end

function M.posted(id, message_ids, caption)
  check(pg.query([[UPDATE channel_posts SET status = 'posted', message_id = $2, caption = $3, posted_at = now(),
                   error = NULL, message_ids = $4::bigint[] WHERE id = $1]],
    id, message_ids[1], caption, pg.array(message_ids)))
end

function M.failed(id, why)
  check(pg.query("UPDATE channel_posts SET status = 'failed', error = $2 WHERE id = $1", id, tostring(why)))
end

function M.recaption(id, caption)
  check(pg.query("UPDATE channel_posts SET caption = $2, edited_at = now() WHERE id = $1", id, caption))
end

function M.deleted(id)
  check(pg.query("UPDATE channel_posts SET status = 'deleted', deleted_at = now() WHERE id = $1", id))
end

-- A press of post_id's [Order] link by user_id (users.id). False when the
-- post does not exist (a forged or very old link): nothing is counted.
function M.click(post_id, user_id)
  local rows = check(pg.query([[
    INSERT INTO channel_post_clicks (post_id, user_id)
    SELECT id, $2 FROM channel_posts WHERE id = $1 RETURNING id]], post_id, user_id))
  return rows[1] ~= nil
end

local RECENT = [[
  WITH recent AS (
    SELECT id FROM channel_posts WHERE status NOT IN ('draft', 'cancelled')
     ORDER BY coalesce(posted_at, scheduled_at) DESC, id DESC LIMIT $1),
  attributed AS (
    SELECT DISTINCT ON (o.id) o.id AS order_id, c.post_id
      FROM channel_post_clicks c
      JOIN orders o ON o.customer_id = c.user_id
                   AND o.created_at >= c.clicked_at
                   AND o.created_at < c.clicked_at + make_interval(hours => $2)
     WHERE c.user_id IN (SELECT user_id FROM channel_post_clicks WHERE post_id IN (SELECT id FROM recent))
       AND o.status <> 'cancelled'
     ORDER BY o.id, c.clicked_at DESC, c.id DESC)
  SELECT ]] .. COLS .. [[,
         (SELECT count(*) FROM channel_post_clicks c WHERE c.post_id = p.id)::int AS clicks,
         (SELECT count(*) FROM attributed a WHERE a.post_id = p.id)::int AS orders
    FROM channel_posts p WHERE p.id IN (SELECT id FROM recent)
   ORDER BY coalesce(p.posted_at, p.scheduled_at) DESC, p.id DESC]]

-- The latest `limit` posts (not drafts), newest first, each with clicks
-- and orders: the marketer's /posts.
function M.recent(limit)
  local rows = check(pg.query(RECENT, limit or rules.channel.RECENT, rules.channel.ATTRIBUTION_HOURS))
  for _, r in ipairs(rows) do row_of(r) end
  return rows
end

return M
