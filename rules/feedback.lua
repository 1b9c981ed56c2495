-- rules/feedback.lua — when a customer is asked how it went, how a score
-- counts in the NPS, and how long after delivery a claim may be opened.
local M = {}

-- The question "how likely are you to recommend us, 0 to 10" goes this
-- many days after the order was delivered.
M.ASK_AFTER_DAYS = 7

-- A request not sent by this many days after delivery (the engine was
-- down all that time) is skipped: a question about a bouquet of a month
-- ago gets no honest answer.
M.ASK_UNTIL_DAYS = 14

-- Every this many seconds an engine process looks for requests due.
M.CHECK_SECONDS = 60

-- A request claimed by a process that did not send it within this many
-- minutes (it died) is claimed again.
M.CLAIM_STALE_MINUTES = 10

-- The optional comment after the score, in characters.
M.COMMENT_MAX_CHARS = 1000

-- NPS: promoters score 9-10, detractors 0-6 (7-8 are passive).
M.PROMOTER_MIN = 9
M.DETRACTOR_MAX = 6

-- /metrics shows the NPS of the answers of this many last days.
M.NPS_METRIC_DAYS = 30

-- A claim (a photo and a text) may be opened until this many hours after
-- delivery; later the customer is told to call the shop.
M.CLAIM_WINDOW_HOURS = 24

-- A claim's text, and the shop's answer to it, in characters.
M.CLAIM_TEXT_MIN_CHARS = 3
M.CLAIM_TEXT_MAX_CHARS = 800

-- The kind of a score: "promoter", "passive" or "detractor".
function M.kind(score)
  if score >= M.PROMOTER_MIN then return "promoter" end
  if score <= M.DETRACTOR_MAX then return "detractor" end
  return "passive"
end

-- Is a claim opened `hours` after delivery within the window?
function M.claim_open(hours) return hours >= 0 and hours <= M.CLAIM_WINDOW_HOURS end

function M.selfcheck()
  for _, k in ipairs { "ASK_AFTER_DAYS", "ASK_UNTIL_DAYS", "CHECK_SECONDS", "CLAIM_STALE_MINUTES",
                       "COMMENT_MAX_CHARS", "NPS_METRIC_DAYS", "CLAIM_WINDOW_HOURS",
                       "CLAIM_TEXT_MIN_CHARS", "CLAIM_TEXT_MAX_CHARS" } do
    if type(M[k]) ~= "number" or M[k] <= 0 then return false, k .. " must be a positive number" end
  end
  if M.ASK_UNTIL_DAYS <= M.ASK_AFTER_DAYS then return false, "ASK_UNTIL_DAYS must be after ASK_AFTER_DAYS" end
  if M.CLAIM_TEXT_MAX_CHARS < M.CLAIM_TEXT_MIN_CHARS then return false, "claim text limits are inconsistent" end
  if not (M.DETRACTOR_MAX >= 0 and M.DETRACTOR_MAX < M.PROMOTER_MIN and M.PROMOTER_MIN <= 10) then
    return false, "NPS bands must be 0 <= DETRACTOR_MAX < PROMOTER_MIN <= 10"
  end
  return true
end

return M
