-- scripts/cli/grant.lua — gives a Telegram user a staff role from the shell:
--
--   guldasta run scripts/cli/grant.lua TG_ID ROLE [NAME] [--lang ru|uz]
--
-- The same as an owner's /grant in the bot (shop/users.lua: the user is
-- registered if they never wrote to the bot, the audit log says who — here
-- nobody, the shell), for the first florists of a new installation and for
-- `make demo`, whose simulator plays a florist and a courier. NAME, when
-- given, is stored as the user's name if they have none yet; --lang sets
-- the language the bot speaks to them in (the demo's staff have one, as
-- if they had chosen it), unless they chose one already.
local pg = require "pg"
local users = require "shop.users"
local cli = require "lib.cli"
local i18n = require "i18n"

local failed = cli.failer("grant")

local function main(...)
  local args, lang = {}, nil
  local argv = table.pack(...)
  local i = 1
  while i <= argv.n do
    if argv[i] == "--lang" then
      lang = argv[i + 1]
      if not i18n.valid(lang) then return failed("--lang must be one of " .. table.concat(i18n.LANGS, ", ")) end
      i = i + 2
    else
      args[#args + 1] = argv[i]
      i = i + 1
    end
  end
  local tg_arg, role, name = args[1], args[2], args[3]
  local tg_id = math.tointeger(tonumber(tg_arg or ""))
  if not tg_id or tg_id <= 0 then return failed("TG_ID must be a positive integer (usage: TG_ID ROLE [NAME] [--lang ru|uz])") end
  if not users.grantable(role) then return failed("ROLE must be one of florist, courier, manager, accountant, marketing") end
  local res, err = users.grant({ id = pg.null }, tg_id, role)
  if not res then return failed("database: ", tostring(err)) end
  if name and name ~= "" then
    local ok, nerr = pg.query("UPDATE users SET name = $2 WHERE tg_id = $1 AND name IS NULL", tg_id, name)
    if not ok then return failed("database: ", tostring(nerr)) end
  end
  if lang then
    local ok, lerr = pg.query("UPDATE users SET lang = $2 WHERE tg_id = $1 AND lang IS NULL", tg_id, lang)
    if not ok then return failed("database: ", tostring(lerr)) end
  end
  cli.say(string.format("grant: %d %s: %s", tg_id, role, res))
end

main(...)
