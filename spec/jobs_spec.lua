-- spec/jobs_spec.lua — the timer jobs whose due state the other specs do
-- not take through two engine processes and a restart: the owner's daily
-- summary (report_runs in PostgreSQL) and the recompute of
-- recommendations (its due time in periodic_runs). Two `guldasta serve`
-- processes started after the summary's hour (the engine was down at it)
-- send it once and recompute once; one restarted within the day and the
-- period does neither again; one back after the period ran out recomputes
-- at once. Scheduled posts, feedback requests and reminders are taken
-- through the same in channel_posts_spec, feedback_claims_spec and
-- reminders_spec.
--
-- That a second process did NOT run a job is seen after its timers' first
-- firings (3 s and 5 s after start, bot/init.lua) have passed.
--   build/asan/guldasta-dev run spec/runner.lua spec/jobs_spec.lua
local bot = require "support.bot"
local server = require "support.server"
local ofx = require "support.orders"
local config = require "config"
local i18n = require "i18n"
local pg = require "pg"
local redis = require "redis"
local timer = require "timer"
local store = require "shop.recommend.store"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local function q(sql, ...) return assert(pg.query(sql, ...)) end

local FIRST_FIRINGS = 7   -- seconds after a process answers: its after(3) and after(5) timers have fired

describe("timer jobs with two engine processes and a restart", function()
  local emu, owner, procs = nil, nil, {}
  local today, yesterday = os.date("%Y-%m-%d"), os.date("%Y-%m-%d", os.time() - 86400)

  local function start()
    local s = server.start { env = {
      BOT_TOKEN = config.bot_token, TELEGRAM_API_URL = emu.api_url,
      FLORIST_CHAT_ID = tostring(emu.florists), COURIER_CHAT_ID = tostring(emu.couriers),
      OWNER_TG_IDS = "1", OWNER_CHAT_ID = tostring(owner.id), REPORT_HOUR = "0",
      LOG_LEVEL = "info", GULDASTA_WATCH = "0" } }
    s.up = timer.monotonic()
    procs[#procs + 1] = s
    return s
  end

  local function stop_all()
    for _, s in ipairs(procs) do s:stop() end
    procs = {}
  end

  -- until every process started has passed its first firings
  local function settled()
    bot.eventually(function()
      for _, s in ipairs(procs) do if timer.monotonic() - s.up < FIRST_FIRINGS then return false end end
      return true
    end, FIRST_FIRINGS + 5, "the processes' first timer firings")
  end

  local function summaries(day)
    local n = 0
    for _, m in ipairs(owner:messages()) do
      if (m.text or ""):find(T("ru", "reports.title_day", { date = day }), 1, true) then n = n + 1 end
    end
    return n
  end

  local recomputes = 0   -- counted in the logs of processes already stopped
  local function recomputed()
    local n = recomputes
    for _, s in ipairs(procs) do
      for _ in s:log():gmatch("recommendations recomputed") do n = n + 1 end
    end
    return n
  end

  setup(function()
    emu = ofx.telegram()
    owner = emu:user { id = ofx.tg_id(), first_name = "Owner" }
    -- neither job has run today or this period (as after a night's downtime)
    q("DELETE FROM report_runs WHERE day IN ($1::date, $2::date)", today, yesterday)
    q("DELETE FROM periodic_runs WHERE job = 'recommend.recompute'")
  end)

  teardown(function()
    stop_all()
    ofx.stop(emu)
  end)

  it("run once with two processes started after the due time, and not again after a restart", function()
    start()
    start()
    owner:wait_message(bot.says(T("ru", "reports.title_day", { date = today })), 20)
    bot.eventually(function() return recomputed() >= 1 end, 20, "a recompute")
    settled()
    assert.are.equal(1, summaries(today), "today's summaries")
    assert.are.equal(0, summaries(yesterday), "yesterday's, never sent, is not sent late")
    assert.are.equal(1, recomputed(), "recomputes")
    assert.are.equal(1, #q("SELECT 1 FROM report_runs WHERE day = $1::date AND sent_at IS NOT NULL", today))

    -- restarted the same day, within the recompute's period: neither again
    recomputes = recomputed()
    stop_all()
    start()
    settled()
    assert.are.equal(1, summaries(today), "today's summaries after a restart")
    assert.are.equal(1, recomputed(), "recomputes after a restart within the period")
  end)

  it("recompute at once when the period ran out while the engine was down", function()
    recomputes = recomputed()
    stop_all()
    -- the period ran out meanwhile
    q("UPDATE periodic_runs SET due_at = now() - interval '1 second' WHERE job = 'recommend.recompute'")
    start()
    start()
    bot.eventually(function() return recomputed() > recomputes end, 20, "a recompute")
    settled()
    assert.are.equal(recomputes + 1, recomputed(), "recomputes")
    assert.are.equal(1, summaries(today), "today's summaries")
  end)

  it("recompute before its time, once, when Redis lost the result", function()
    recomputes = recomputed()
    stop_all()
    -- within the period, but Redis lost its data, and the latest claim is
    -- older than a period (a claim within it would hold a forced run back)
    q("UPDATE periodic_runs SET due_at = now() + interval '1 hour', claimed_at = now() - interval '2 hours' WHERE job = 'recommend.recompute'")
    assert(redis.call("DEL", store.POPULAR, store.TOGETHER))
    start()
    start()
    bot.eventually(function() return recomputed() > recomputes end, 20, "a recompute")
    settled()
    assert.are.equal(recomputes + 1, recomputed(), "recomputes")
    assert.are.equal(1, redis.call("EXISTS", store.POPULAR), "the result written again")
  end)
end)
