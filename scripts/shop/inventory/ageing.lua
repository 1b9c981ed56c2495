-- scripts/shop/inventory/ageing.lua — the daily list of lots near the end
-- of their vase life (rules/inventory.lua's VASE_LIFE_DAYS and
-- LOTS_WARN_DAYS), for the florists to put into compositions or a discount.
--
--   ageing.list(day) -> { { lot_id, product_id, code, name_ru, name_uz,
--       arrived_on, remaining, age, left }, ... }, oldest first
--       the open lots (stems still on hand) on shop day `day` whose vase
--       life ends within LOTS_WARN_DAYS or has ended (`left` <= 0)
--   ageing.tick(now) -> "sent" | "none" | "unsent" | nil
--       the timer job: from LOTS_HOUR (shop time) to the day's end, once
--       per day across engine processes (shop/daily_runs.lua), the list as
--       the event "stock.lots_ageing" { day, lots }; a day with nothing
--       ageing is done without a message; a list no presenter took is
--       released, so the next check sends it. nil: not due, or already
--       claimed.
local pg = require "pg"
local log = require "log"
local rules = require "rules"
local events = require "shop.events"
local daily_runs = require "shop.daily_runs"
local lots = require "shop.inventory.lots"

local M = {}

M.JOB = "lots_ageing"

local OPEN = [[
  SELECT l.id AS lot_id, l.product_id, l.arrived_on::text AS arrived_on, l.remaining,
         ($1::date - l.arrived_on)::int AS age, p.code, p.name_ru, p.name_uz, p.kind,
         array_to_string(p.tags, ' ') AS tags
    FROM stock_lots l
    JOIN products p ON p.id = l.product_id
   WHERE l.remaining > 0
   ORDER BY l.arrived_on, p.code, l.id]]

function M.list(day)
  local rows, err, code = pg.query(OPEN, day)
  if not rows then error(("lots ageing: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  local out = {}
  for _, r in ipairs(rows) do
    local tags = {}
    for t in tostring(r.tags):gmatch("%S+") do tags[#tags + 1] = t end
    local left = rules.inventory.lot_ageing(r.age, rules.inventory.vase_life(r.kind, tags))
    if left then
      out[#out + 1] = { lot_id = r.lot_id, product_id = r.product_id, code = r.code, name_ru = r.name_ru,
                        name_uz = r.name_uz, arrived_on = r.arrived_on, remaining = r.remaining,
                        age = r.age, left = left }
    end
  end
  return out
end

function M.tick(now)
  now = now or os.time()
  if tonumber(os.date("%H", now)) < rules.inventory.LOTS_HOUR then return nil end
  local day = lots.today(now)
  local ok, claimed = pcall(daily_runs.claim, M.JOB, day, rules.inventory.LOTS_CLAIM_STALE_SECONDS)
  if not ok then
    log.error("lots ageing: claim failed", { err = tostring(claimed) })
    return nil
  end
  if not claimed then return nil end
  local listed, list = pcall(M.list, day)
  if not listed then
    log.error("lots ageing: list failed", { err = tostring(list) })
    pcall(daily_runs.release, M.JOB, day)
    return "unsent"
  end
  if list[1] and not events.emit("stock.lots_ageing", { day = day, lots = list }) then
    pcall(daily_runs.release, M.JOB, day)
    return "unsent"
  end
  daily_runs.done(M.JOB, day)
  return list[1] and "sent" or "none"
end

return M
