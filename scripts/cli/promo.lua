-- scripts/cli/promo.lua — promo codes from the shell, until the owner's
-- dashboard has a page for them:
--
--   guldasta run scripts/cli/promo.lua add CODE percent|fixed VALUE [options]
--       percent: VALUE is 1..100 (percent off the goods);
--       fixed:   VALUE is so'm off (stored as tiyin)
--       --from YYYY-MM-DD  --until YYYY-MM-DD   valid from / until (shop time, SHOP_TZ)
--       --uses N                                at most N orders
--       --min SOM                               goods of at least SOM so'm
--   guldasta run scripts/cli/promo.lua off CODE     switch a code off
--   guldasta run scripts/cli/promo.lua list         every code with its uses
--
-- What a code takes off is rules/pricing.lua's business; this only writes
-- the row that scripts/shop/promo.lua checks (dates, uses, active). Codes
-- are stored the way customers' typing is read: upper-case A-Z 0-9 _ -.
local pg = require "pg"
local config = require "config"
local promo = require "shop.promo"
local cli = require "lib.cli"

local failed = cli.failer("promo")
local TIYIN_PER_SOM = 100
local USAGE = "usage: add CODE percent|fixed VALUE [--from DATE] [--until DATE] [--uses N] [--min SOM] | off CODE | list"

local function int(s) return math.tointeger(tonumber(s or "")) end

local function date(s, what)
  if s == nil then return nil end
  if not s:match("^%d%d%d%d%-%d%d%-%d%d$") then return nil, what .. " must be YYYY-MM-DD, not " .. s end
  return s
end

local function add(args)
  local code = promo.clean(args[1])
  if not code then return failed("CODE must be 2..32 of A-Z 0-9 _ - (", tostring(args[1]), ")") end
  local kind = args[2]
  if kind ~= "percent" and kind ~= "fixed" then return failed("the kind is percent or fixed, not ", tostring(kind)) end
  local value = int(args[3])
  if not value or value <= 0 or (kind == "percent" and value > 100) then
    return failed("VALUE must be ", kind == "percent" and "1..100 (percent)" or "a positive number of so'm")
  end
  if kind == "fixed" then value = value * TIYIN_PER_SOM end
  local opts, i = {}, 4
  while args[i] do
    local name, v = args[i], args[i + 1]
    if name ~= "--from" and name ~= "--until" and name ~= "--uses" and name ~= "--min" then
      return failed("unknown option ", name, "; ", USAGE)
    end
    if v == nil then return failed(name, " needs a value") end
    opts[name:sub(3)] = v
    i = i + 2
  end
  local from, err = date(opts.from, "--from")
  if err then return failed(err) end
  local till
  till, err = date(opts["until"], "--until")
  if err then return failed(err) end
  local uses = opts.uses and int(opts.uses)
  if opts.uses and (not uses or uses <= 0) then return failed("--uses must be a positive whole number") end
  local min = opts.min and int(opts.min)
  if opts.min and (not min or min < 0) then return failed("--min must be so'm, 0 or more") end
  -- dates are the shop's days: from its midnight, until the end of the day
  local rows, perr = pg.query([[
    INSERT INTO promo_codes (code, kind, value, min_total, valid_from, valid_until, max_uses)
    VALUES ($1, $2, $3, $4,
            ($5::date)::timestamp AT TIME ZONE $8,
            ($6::date + 1)::timestamp AT TIME ZONE $8,
            $7)
    ON CONFLICT (code) DO NOTHING RETURNING code]],
    code, kind, value, (min or 0) * TIYIN_PER_SOM, from or pg.null, till or pg.null, uses or pg.null,
    config.shop_tz)
  if not rows then return failed("database: ", tostring(perr)) end
  if not rows[1] then return failed(code, " exists already (switch it off with: off ", code, ")") end
  cli.say("promo: ", code, " added")
end

local function off(args)
  local code = promo.clean(args[1])
  if not code then return failed("CODE must be 2..32 of A-Z 0-9 _ -") end
  local rows, err = pg.query("UPDATE promo_codes SET active = false WHERE code = $1 RETURNING code", code)
  if not rows then return failed("database: ", tostring(err)) end
  if not rows[1] then return failed("no code ", code) end
  cli.say("promo: ", code, " switched off")
end

local function list()
  local rows, err = pg.query([[
    SELECT code, kind, value, min_total, active, used, max_uses,
           coalesce(to_char(valid_from AT TIME ZONE $1, 'YYYY-MM-DD'), '-') AS vfrom,
           coalesce(to_char((valid_until AT TIME ZONE $1) - interval '1 second', 'YYYY-MM-DD'), '-') AS vuntil
      FROM promo_codes ORDER BY created_at, code]], config.shop_tz)
  if not rows then return failed("database: ", tostring(err)) end
  for _, r in ipairs(rows) do
    local value = r.kind == "percent" and (r.value .. "%") or ((r.value // TIYIN_PER_SOM) .. " so'm")
    local uses = r.max_uses ~= pg.null and (r.used .. "/" .. r.max_uses) or tostring(r.used)
    cli.say(string.format("%-16s %-10s min %-8d %s..%s uses %-9s %s", r.code, value,
      r.min_total // TIYIN_PER_SOM, r.vfrom, r.vuntil, uses, r.active and "on" or "off"))
  end
end

local function main(cmd, ...)
  local args = { ... }
  if cmd == "add" then return add(args) end
  if cmd == "off" then return off(args) end
  if cmd == "list" then return list() end
  return failed(USAGE)
end

main(...)
