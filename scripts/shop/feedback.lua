-- scripts/shop/feedback.lua — the customer's score after delivery, and
-- the NPS. No Telegram: the bot asks and presents (bot/feedback.lua).
--
--   feedback.due() -> { {id=, order_id=, tg_id=, lang=}, ... }
--       requests whose time has come (rules/feedback.lua's ASK_AFTER_DAYS
--       after delivery, not later than ASK_UNTIL_DAYS), each claimed by
--       this process: a feedback row is made once per order, and claimed
--       with FOR UPDATE SKIP LOCKED, so with two engine processes each
--       request goes out once; a claim older than CLAIM_STALE_MINUTES (its
--       process died) is taken again. A request missed while the engine
--       was down is due when it comes back, until the cut-off.
--   feedback.sent(id)     Telegram took the question
--   feedback.release(id)  it did not: the next look tries again
--   feedback.answer(id, user, score) -> row | nil, reason_key
--   feedback.comment(id, user, text) -> row | nil, reason_key
--   feedback.nps(from, to) -> { nps =, promoters =, passives =, detractors =, answers = }
--       answers given in [from, to) (anything PostgreSQL reads as a
--       timestamptz: "2026-05-01", "2026-05-01 00:00+05"); nps is
--       (promoters - detractors) * 100 / answers, exact, nil with no answer
--   feedback.publish()    the NPS of the last NPS_METRIC_DAYS on /metrics
local pg = require "pg"
local engine = require "engine"
local rules = require "rules"

local M = {}

local function check(rows, err, code)
  if not rows then error(("feedback: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

local function null(v) if v == pg.null then return nil end return v end

local MAKE = [[
  INSERT INTO feedback (order_id)
  SELECT o.id FROM orders o
   WHERE o.status = 'delivered'
     AND o.delivered_at <= now() - make_interval(secs => $1)
     AND o.delivered_at > now() - make_interval(secs => $2)
     AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.order_id = o.id)
  ON CONFLICT (order_id) DO NOTHING]]

local CLAIM = [[
  UPDATE feedback f SET claimed_at = now()
    FROM orders o JOIN users u ON u.id = o.customer_id
   WHERE o.id = f.order_id
     AND f.id IN (SELECT f2.id FROM feedback f2 JOIN orders o2 ON o2.id = f2.order_id
                   WHERE f2.sent_at IS NULL AND f2.score IS NULL
                     AND (f2.claimed_at IS NULL OR f2.claimed_at < now() - make_interval(mins => $1))
                     AND o2.delivered_at > now() - make_interval(secs => $2)
                   ORDER BY f2.asked_at, f2.id LIMIT 20
                     FOR UPDATE OF f2 SKIP LOCKED)
  RETURNING f.id, f.order_id, u.tg_id, coalesce(o.lang, u.lang) AS lang]]

function M.due()
  local r = rules.feedback
  local after, until_ = r.ASK_AFTER_DAYS * 86400, r.ASK_UNTIL_DAYS * 86400
  check(pg.query(MAKE, after, until_))
  local rows = check(pg.query(CLAIM, math.tointeger(r.CLAIM_STALE_MINUTES) or 10, until_))
  for _, row in ipairs(rows) do row.lang = null(row.lang) end
  table.sort(rows, function(a, b) return a.id < b.id end)
  return rows
end

function M.sent(id) check(pg.query("UPDATE feedback SET sent_at = now() WHERE id = $1", id)) end

function M.release(id) check(pg.query("UPDATE feedback SET claimed_at = NULL WHERE id = $1 AND sent_at IS NULL", id)) end

local OWN = [[SELECT f.id, f.order_id, f.score FROM feedback f JOIN orders o ON o.id = f.order_id
               WHERE f.id = $1 AND o.customer_id = $2]]

local ANSWER = [[
  UPDATE feedback f SET score = $3, answered_at = now()
    FROM orders o WHERE f.id = $1 AND o.id = f.order_id AND o.customer_id = $2 AND f.score IS NULL
  RETURNING f.id, f.order_id, f.score]]

-- The first score counts: a second press is told it was taken already.
function M.answer(id, user, score)
  score = math.tointeger(score)
  if not score or score < 0 or score > 10 then return nil, "feedback.refused.score" end
  local row = check(pg.query(ANSWER, id, user.id, score))[1]
  if row then return row end
  if check(pg.query(OWN, id, user.id))[1] then return nil, "feedback.refused.answered" end
  return nil, "feedback.refused.not_found"
end

local COMMENT = [[
  UPDATE feedback f SET comment = $3
    FROM orders o WHERE f.id = $1 AND o.id = f.order_id AND o.customer_id = $2 AND f.score IS NOT NULL
  RETURNING f.id, f.order_id, f.score, f.comment]]

function M.comment(id, user, text)
  if type(text) ~= "string" or text:match("^%s*$") then return nil, "feedback.refused.empty" end
  text = text:match("^%s*(.-)%s*$")
  if (utf8.len(text) or #text) > rules.feedback.COMMENT_MAX_CHARS then return nil, "feedback.refused.too_long" end
  local row = check(pg.query(COMMENT, id, user.id, text))[1]
  if not row then return nil, "feedback.refused.not_found" end
  return row
end

local NPS = [[
  SELECT count(*) FILTER (WHERE score >= $3)::int AS promoters,
         count(*) FILTER (WHERE score <= $4)::int AS detractors,
         count(*)::int AS answers
    FROM feedback
   WHERE score IS NOT NULL AND answered_at >= $1::timestamptz AND answered_at < $2::timestamptz]]

local function tally(from, to)
  local r = rules.feedback
  local row = check(pg.query(NPS, from, to, r.PROMOTER_MIN, r.DETRACTOR_MAX))[1]
  local res = { promoters = row.promoters, detractors = row.detractors, answers = row.answers,
                passives = row.answers - row.promoters - row.detractors }
  if row.answers > 0 then res.nps = (row.promoters - row.detractors) * 100 / row.answers end
  return res
end

function M.nps(from, to) return tally(from, to) end

engine.help("guldasta_nps", "gauge", "net promoter score (percent) of the feedback answered in the last days")
engine.help("guldasta_nps_answers", "gauge", "feedback answers the NPS gauge counts")

local RECENT = [[SELECT (now() - make_interval(days => $1))::text AS from, (now() + interval '1 second')::text AS to]]

function M.publish()
  local w = check(pg.query(RECENT, math.tointeger(rules.feedback.NPS_METRIC_DAYS) or 30))[1]
  local r = tally(w.from, w.to)
  engine.gauge("guldasta_nps", nil, r.nps or 0)
  engine.gauge("guldasta_nps_answers", nil, r.answers)
end

return M
