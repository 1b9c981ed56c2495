-- spec/support/probe_routes.lua — extra routes that black-box specs install
-- into a copied project root (as scripts/spec_routes.lua), to look inside a
-- running engine: which generation serves, what a rule answers, how slow
-- work behaves, what an error does.
local http = require "http"
local pg = require "pg"
local timer = require "timer"
local engine = require "engine"

http.route("GET", "/probe", function()
  return 200, require("rules").money.format_som(123456700) .. "|" .. require("templates").ru.currency
end)
-- the product post's sample, rendered by the templates this generation serves
http.route("GET", "/post", function()
  local sample = require("templates")["posts.product"].sample
  local s, why = require("shop.posts").render("product", sample.product, "ru", { date = sample.date })
  if not s then return 500, why end
  return 200, s
end)
http.route("GET", "/gen", function() return 200, tostring(engine.generation()) end)
http.route("GET", "/slow", function()
  local g = engine.generation()
  timer.sleep(1.0)
  return 200, tostring(g)
end)
http.route("GET", "/pg_sleep", function()
  local rows, err = pg.query("SELECT pg_sleep(1)")
  if not rows then return 500, err end
  return 200, "slept"
end)
http.route("GET", "/boom", function() error("deliberate failure") end)

return true
