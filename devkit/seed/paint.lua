-- devkit/seed/paint.lua — draws a product's photo from its catalog entry.
--
-- The demo must show real-looking cards without downloading pictures, so
-- every product gets a small procedural painting: a soft background, then
-- what the product is — one stem with its flower, a wrapped bouquet of the
-- flowers its recipe names (in their colours), a hat box or a basket full of
-- them, an orchid in a pot, or an extra (a bow, a balloon, a teddy bear...).
-- The same entry always gives the same picture: the only randomness is a
-- generator seeded with the product's code.
--
--   local paint = require "devkit.seed.paint"
--   local w, h, pixels = paint.product(product, catalog.by_code)
--
-- Pure computation (no I/O); seconds of CPU for a whole catalog, so the
-- caller yields between products.
local canvas = require "devkit.lib.canvas"

local sin, cos, sqrt, pi, floor, min, max = math.sin, math.cos, math.sqrt, math.pi, math.floor,
  math.min, math.max

local M = {}

M.SIZE = 320

-- {======================================================================
-- Colours
-- =======================================================================

-- One RGB per colour key of the catalog (seed/check.lua lists the keys).
local PALETTE = {
  red = { 205, 30, 50 }, white = { 252, 250, 246 }, pink = { 242, 128, 166 },
  peach = { 250, 180, 140 }, yellow = { 250, 205, 45 }, lilac = { 190, 158, 228 },
  orange = { 248, 128, 32 }, blue = { 110, 150, 228 }, green = { 104, 156, 112 },
  purple = { 150, 64, 170 }, dark_red = { 128, 14, 38 }, kraft = { 204, 166, 112 },
  gold = { 228, 186, 64 }, beige = { 218, 190, 150 }, clear = { 210, 232, 242 },
  brown = { 150, 98, 52 }, black = { 48, 46, 52 },
}
-- Keys that stand for several colours: flowers take them in turn.
local MULTI = {
  mixed = { "red", "yellow", "pink", "white", "orange" },
  pastel = { "pink", "lilac", "peach", "white" },
  assorted = { "pink", "lilac", "white" },
}
local LEAF = { 74, 130, 72 }
local STEM = { 86, 140, 80 }

M.PALETTE = PALETTE

local function lighten(c, t)
  return { c[1] + (255 - c[1]) * t, c[2] + (255 - c[2]) * t, c[3] + (255 - c[3]) * t }
end

local function darken(c, t)
  return { c[1] * (1 - t), c[2] * (1 - t), c[3] * (1 - t) }
end

local function rgb(key)
  return PALETTE[key] or PALETTE.pink
end

-- The colour keys a flower may take: `mixed` expands, nothing means pink.
local function expand(colours)
  local out = {}
  for _, c in ipairs(colours or {}) do
    if MULTI[c] then
      for _, m in ipairs(MULTI[c]) do out[#out + 1] = m end
    elseif PALETTE[c] then
      out[#out + 1] = c
    end
  end
  if #out == 0 then out[1] = "pink" end
  return out
end

-- }======================================================================

-- A small deterministic generator (an LCG), seeded by the product code, so
-- that a picture never changes between runs: re-seeding writes nothing.
local function rng(code)
  local s = 2166136261
  for i = 1, #code do s = ((s ~ code:byte(i)) * 16777619) & 0x7FFFFFFF end
  return function(a, b)
    s = (s * 1103515245 + 12345) & 0x7FFFFFFF
    local f = s / 0x80000000
    if a then return a + (b - a) * f end
    return f
  end
end

-- {======================================================================
-- Flower heads: head(c, x, y, r, colour, rnd) draws one bloom of radius r
-- =======================================================================

local heads = {}

function heads.rose(c, x, y, r, col, rnd)
  c:circle(x, y, r, darken(col, 0.28))
  local turn = rnd(0, pi)
  for k = 0, 4 do
    local a = turn + k * 2 * pi / 5
    c:circle(x + cos(a) * r * 0.33, y + sin(a) * r * 0.33, r * 0.64, col)
  end
  for k = 0, 4 do
    local a = turn + (k + 0.5) * 2 * pi / 5
    c:ellipse(x + cos(a) * r * 0.5, y + sin(a) * r * 0.5, r * 0.28, r * 0.08, darken(col, 0.2), a + pi / 2, 0.6)
  end
  c:circle(x, y, r * 0.56, darken(col, 0.16))
  c:circle(x + r * 0.05, y - r * 0.04, r * 0.47, col)
  c:circle(x - r * 0.06, y + r * 0.02, r * 0.34, darken(col, 0.22))
  c:circle(x, y - r * 0.03, r * 0.26, lighten(col, 0.08))
  c:circle(x + r * 0.04, y, r * 0.13, darken(col, 0.3))
end

function heads.spray_rose(c, x, y, r, col, rnd)
  for k = 0, 4 do
    local a = k * 2 * pi / 5 + rnd(0, 1)
    heads.rose(c, x + cos(a) * r * 0.5, y + sin(a) * r * 0.5, r * 0.42, col, rnd)
  end
  heads.rose(c, x, y, r * 0.42, col, rnd)
end

function heads.tulip(c, x, y, r, col, rnd)
  local dark = darken(col, 0.25)
  c:ellipse(x, y + r * 0.12, r * 0.62, r * 0.78, dark)
  c:ellipse(x - r * 0.26, y + r * 0.05, r * 0.38, r * 0.75, col, -0.18)
  c:ellipse(x + r * 0.26, y + r * 0.05, r * 0.38, r * 0.75, lighten(col, 0.08), 0.18)
  c:polygon({ x - r * 0.55, y - r * 0.1, x - r * 0.42, y - r * 0.85, x - r * 0.1, y - r * 0.15 }, col)
  c:polygon({ x + r * 0.55, y - r * 0.1, x + r * 0.42, y - r * 0.85, x + r * 0.1, y - r * 0.15 }, lighten(col, 0.08))
  c:ellipse(x, y + r * 0.05, r * 0.3, r * 0.8, lighten(col, 0.12))
  c:polygon({ x - r * 0.28, y - r * 0.3, x, y - r * 0.95, x + r * 0.28, y - r * 0.3 }, lighten(col, 0.12))
  c:ellipse(x - r * 0.1, y + r * 0.1, r * 0.06, r * 0.5, lighten(col, 0.35), 0, 0.5)
end

function heads.peony(c, x, y, r, col, rnd)
  c:circle(x, y, r, darken(col, 0.22))
  for _ = 1, 16 do
    local a, d = rnd(0, 2 * pi), rnd(0.2, 0.62)
    c:circle(x + cos(a) * r * d, y + sin(a) * r * d, r * rnd(0.3, 0.42), rnd() < 0.5 and col or lighten(col, 0.12))
  end
  for _ = 1, 8 do
    local a, d = rnd(0, 2 * pi), rnd(0, 0.3)
    c:circle(x + cos(a) * r * d, y + sin(a) * r * d, r * rnd(0.16, 0.26), darken(col, rnd(0.05, 0.2)))
  end
  c:circle(x, y, r * 0.14, lighten(col, 0.25))
end

local function rays(c, x, y, r, col, n, len, width, from, turn, alpha)
  for k = 0, n - 1 do
    local a = turn + k * 2 * pi / n
    local d = from + len / 2
    c:ellipse(x + cos(a) * r * d, y + sin(a) * r * d, r * len / 2, r * width, col, a, alpha)
  end
end

function heads.chrysanthemum(c, x, y, r, col, rnd)
  local turn = rnd(0, pi)
  rays(c, x, y, r, darken(col, 0.18), 22, 0.95, 0.09, 0.05, turn)
  rays(c, x, y, r, col, 20, 0.75, 0.1, 0.05, turn + 0.15)
  rays(c, x, y, r, lighten(col, 0.1), 14, 0.5, 0.1, 0.02, turn + 0.3)
  c:circle(x, y, r * 0.18, { 196, 200, 90 })
  c:circle(x, y, r * 0.1, { 150, 160, 60 })
end

function heads.gerbera(c, x, y, r, col, rnd)
  local turn = rnd(0, pi)
  rays(c, x, y, r, darken(col, 0.12), 18, 0.72, 0.14, 0.28, turn)
  rays(c, x, y, r, col, 18, 0.62, 0.12, 0.3, turn + pi / 18)
  c:circle(x, y, r * 0.34, darken(col, 0.35))
  c:circle(x, y, r * 0.26, { 90, 60, 30 })
  c:ring(x, y, r * 0.19, r * 0.05, { 200, 170, 60 })
end

function heads.carnation(c, x, y, r, col, rnd)
  local dark = darken(col, 0.25)
  for k = 0, 15 do
    local a = k * 2 * pi / 16
    c:circle(x + cos(a) * r * 0.72, y + sin(a) * r * 0.72, r * 0.28, k % 2 == 0 and dark or col)
  end
  c:circle(x, y, r * 0.75, col)
  for k = 0, 11 do
    local a = k * 2 * pi / 12 + 0.2
    c:circle(x + cos(a) * r * 0.45, y + sin(a) * r * 0.45, r * 0.2, k % 2 == 0 and lighten(col, 0.12) or dark)
  end
  c:circle(x, y, r * 0.3, darken(col, 0.12))
  for k = 0, 5 do
    local a = k * pi / 3 + 0.4
    c:circle(x + cos(a) * r * 0.16, y + sin(a) * r * 0.16, r * 0.12, lighten(col, 0.15))
  end
end

function heads.eustoma(c, x, y, r, col, rnd)
  local edge = col
  if col[1] > 240 and col[2] > 240 then edge = PALETTE.lilac end   -- white with lilac tips
  c:circle(x, y, r, darken(edge, 0.12))
  local turn = rnd(0, pi)
  for k = 0, 4 do
    local a = turn + k * 2 * pi / 5
    c:circle(x + cos(a) * r * 0.42, y + sin(a) * r * 0.42, r * 0.5, edge)
  end
  c:circle(x, y, r * 0.62, lighten(col, 0.05))
  for k = 0, 4 do
    local a = turn + (k + 0.5) * 2 * pi / 5
    c:ellipse(x + cos(a) * r * 0.3, y + sin(a) * r * 0.3, r * 0.25, r * 0.06, darken(col, 0.12), a + pi / 2, 0.6)
  end
  c:circle(x, y, r * 0.22, darken(col, 0.15))
  c:circle(x, y, r * 0.1, { 120, 150, 70 })
end

function heads.alstroemeria(c, x, y, r, col, rnd)
  local turn = rnd(0, pi)
  rays(c, x, y, r, col, 3, 0.9, 0.3, 0.05, turn)
  rays(c, x, y, r, lighten(col, 0.25), 3, 0.75, 0.24, 0.05, turn + pi / 3)
  for k = 0, 2 do
    local a = turn + pi / 3 + k * 2 * pi / 3
    for j = 1, 3 do
      c:circle(x + cos(a) * r * (0.2 + j * 0.1), y + sin(a) * r * (0.2 + j * 0.1) + (j - 2) * r * 0.05,
        r * 0.035, { 70, 30, 40 })
    end
  end
  c:circle(x, y, r * 0.1, { 230, 210, 90 })
end

function heads.lily(c, x, y, r, col, rnd)
  local turn = rnd(0, pi)
  local shade = darken(col, 0.14)
  for k = 0, 5 do
    local a = turn + k * pi / 3
    local d = 0.5
    c:ellipse(x + cos(a) * r * d, y + sin(a) * r * d, r * 0.52, r * 0.19, k % 2 == 0 and shade or col, a)
    c:line(x + cos(a) * r * 0.15, y + sin(a) * r * 0.15, x + cos(a) * r * 0.7, y + sin(a) * r * 0.7,
      r * 0.04, { 235, 170, 180 }, 0.8)
  end
  c:circle(x, y, r * 0.15, { 190, 215, 120 })
  for k = 0, 5 do
    local a = turn + k * pi / 3 + 0.5
    local ex, ey = x + cos(a) * r * 0.42, y + sin(a) * r * 0.42
    c:line(x, y, ex, ey, r * 0.025, { 200, 210, 150 })
    c:ellipse(ex, ey, r * 0.07, r * 0.035, { 150, 70, 30 }, a + pi / 2)
  end
end

function heads.hydrangea(c, x, y, r, col, rnd)
  c:circle(x, y, r, darken(col, 0.2))
  for _ = 1, 34 do
    local a, d = rnd(0, 2 * pi), sqrt(rnd()) * r * 0.8
    local fx, fy = x + cos(a) * d, y + sin(a) * d
    local fc = rnd() < 0.5 and col or lighten(col, rnd(0.1, 0.35))
    local fr = r * 0.11
    local t = rnd(0, pi)
    for k = 0, 3 do
      local b = t + k * pi / 2
      c:circle(fx + cos(b) * fr * 0.8, fy + sin(b) * fr * 0.8, fr, fc)
    end
    c:circle(fx, fy, fr * 0.35, darken(fc, 0.3))
  end
end

function heads.gypsophila(c, x, y, r, col, rnd)
  for _ = 1, 10 do
    local a = rnd(0, 2 * pi)
    c:line(x, y + r * 0.5, x + cos(a) * r * 0.8, y + sin(a) * r * 0.8, 1.2, STEM, 0.7)
  end
  for _ = 1, 70 do
    local a, d = rnd(0, 2 * pi), sqrt(rnd()) * r
    c:circle(x + cos(a) * d, y + sin(a) * d, rnd(1.3, 2.6), rnd() < 0.7 and col or darken(col, 0.12))
  end
end

function heads.eucalyptus(c, x, y, r, col, rnd)
  local a = rnd(-pi, 0)
  local ex, ey = x + cos(a) * r, y + sin(a) * r
  c:line(x - cos(a) * r * 0.3, y - sin(a) * r * 0.3, ex, ey, 2, { 110, 120, 100 })
  for k = 0, 5 do
    local t = k / 5
    local px, py = x + (ex - x) * t, y + (ey - y) * t
    local side = (k % 2 == 0) and 1 or -1
    local nx, ny = -sin(a) * side, cos(a) * side
    c:circle(px + nx * r * 0.2, py + ny * r * 0.2, r * 0.2, { 128, 160, 140 })
    c:circle(px + nx * r * 0.2, py + ny * r * 0.2, r * 0.12, { 150, 182, 160 }, 0.6)
  end
end

function heads.orchid(c, x, y, r, col, rnd)
  local lip = PALETTE.purple
  c:ellipse(x - r * 0.5, y + r * 0.05, r * 0.5, r * 0.38, darken(col, 0.05), -0.2)
  c:ellipse(x + r * 0.5, y + r * 0.05, r * 0.5, r * 0.38, darken(col, 0.05), 0.2)
  c:ellipse(x, y - r * 0.5, r * 0.22, r * 0.45, col)
  c:ellipse(x - r * 0.32, y + r * 0.45, r * 0.2, r * 0.42, col, 0.6)
  c:ellipse(x + r * 0.32, y + r * 0.45, r * 0.2, r * 0.42, col, -0.6)
  c:ellipse(x, y + r * 0.22, r * 0.16, r * 0.26, lip)
  c:circle(x, y - r * 0.02, r * 0.1, { 250, 220, 90 })
  for k = 1, 5 do
    c:circle(x - r * 0.3 + k * r * 0.1, y + r * 0.02 + (k % 2) * r * 0.05, r * 0.025, lip, 0.7)
  end
end

-- Flowers that grow as a branch of small blooms rather than one big head.
local BRANCHED = { spray_rose = true, chrysanthemum = true, eustoma = true, alstroemeria = true, lily = true }

-- }======================================================================

-- {======================================================================
-- Scenes
-- =======================================================================

-- Background: a soft vertical gradient, picked from a few by the code, but
-- never pale behind a white flower (it would vanish), and a table shadow.
local BACKGROUNDS = {
  { { 253, 244, 238 }, { 240, 222, 214 } },
  { { 244, 248, 240 }, { 222, 232, 218 } },
  { { 246, 242, 252 }, { 226, 220, 238 } },
  { { 252, 248, 234 }, { 236, 226, 204 } },
  { { 240, 246, 250 }, { 214, 228, 238 } },
}
local DARKER_BACKGROUND = { { 206, 222, 214 }, { 170, 192, 182 } }

local function background(c, rnd, pale_subject)
  local bg = BACKGROUNDS[floor(rnd(1, #BACKGROUNDS + 1))] or BACKGROUNDS[1]
  if pale_subject then bg = DARKER_BACKGROUND end
  c:gradient(bg[1], bg[2])
  c:ellipse(160, 300, 120, 14, { 0, 0, 0 }, 0, 0.12)
end

local function leaf(c, x, y, len, angle)
  c:ellipse(x + cos(angle) * len / 2, y + sin(angle) * len / 2, len / 2, len * 0.18, LEAF, angle)
  c:line(x, y, x + cos(angle) * len * 0.85, y + sin(angle) * len * 0.85, 1.2, { 60, 105, 60 }, 0.6)
end

-- Points on a gently curving stem from the bottom to (x, y).
local function stem_path(bx, by, x, y, bend)
  local pts = {}
  for k = 0, 6 do
    local t = k / 6
    pts[#pts + 1] = bx + (x - bx) * t + sin(t * pi) * bend
    pts[#pts + 1] = by + (y - by) * t
  end
  return pts
end

-- A single stem product: one flower (or a small fan of them when the stem
-- comes in several colours), or a branch of small blooms.
local function paint_stem(c, p, rnd)
  local flower = p.look.flower
  local cols = expand(p.colours)
  local head = heads[flower] or heads.rose
  background(c, rnd, cols[1] == "white")
  if flower == "gypsophila" then
    for k = 1, 3 do
      local x = 100 + k * 30
      c:path(stem_path(160, 300, x, 120, (k - 2) * 20), 3, STEM)
      head(c, x, 110 + (k % 2) * 20, 70, rgb(cols[1]), rnd)
    end
    return
  end
  if flower == "eucalyptus" then
    c:path(stem_path(160, 305, 170, 30, 25), 4, { 110, 120, 100 })
    for k = 0, 9 do
      local t = k / 10
      local x = 160 + (170 - 160) * t + sin(t * pi) * 25
      local y = 290 - t * 250
      local side = (k % 2 == 0) and 1 or -1
      c:circle(x + side * 24, y, 22, { 122, 156, 136 })
      c:circle(x + side * 24, y, 15, { 146, 178, 158 }, 0.6)
    end
    return
  end
  if BRANCHED[flower] then
    c:path(stem_path(160, 305, 160, 140, 10), 5, STEM)
    leaf(c, 160, 250, 70, -2.4)
    leaf(c, 162, 220, 60, -0.6)
    local spots = { { 160, 95, 0 }, { 95, 130, 1 }, { 225, 125, 2 }, { 120, 60, 3 }, { 210, 55, 4 } }
    local r = (flower == "lily") and 58 or 44
    local n = (flower == "lily") and 3 or 5
    for i = n, 1, -1 do
      local s = spots[i]
      c:path(stem_path(160, 170, s[1], s[2], 0), 3, STEM)
    end
    for i = n, 1, -1 do
      local s = spots[i]
      head(c, s[1], s[2], r, rgb(cols[(s[3] % #cols) + 1]), rnd)
    end
    return
  end
  if #cols == 1 then
    c:path(stem_path(160, 305, 160, 120, 12), 6, STEM)
    leaf(c, 160, 240, 80, -2.5)
    leaf(c, 163, 205, 70, -0.5)
    head(c, 160, 110, 78, rgb(cols[1]), rnd)
    return
  end
  -- several colours: a fan, one bloom each
  local n = #cols
  for i = 1, n do
    local x = 160 + (i - (n + 1) / 2) * 62
    local y = 120 + ((i % 2 == 0) and -28 or 12)
    c:path(stem_path(160, 305, x, y, 0), 5, STEM)
  end
  leaf(c, 160, 255, 80, -2.4)
  leaf(c, 160, 245, 80, -0.7)
  for i = 1, n do
    local x = 160 + (i - (n + 1) / 2) * 62
    local y = 120 + ((i % 2 == 0) and -28 or 12)
    head(c, x, y, 44, rgb(cols[i]), rnd)
  end
end

-- The blooms of a composition: one entry per head to draw, in proportion
-- to the recipe's stems (a 101-rose bouquet shows as many as fit), shuffled
-- the same way each time. Greenery is returned apart: it goes behind.
local MAX_HEADS = 61
local function recipe_heads(p, by_code, rnd)
  local mains, fillers, total = {}, {}, 0
  for _, r in ipairs(p.recipe or {}) do
    local part = by_code[r[1]]
    if part and part.kind == "stem" then
      if part.filler then fillers[#fillers + 1] = { part = part, count = r[2] }
      else mains[#mains + 1] = { part = part, count = r[2] }; total = total + r[2] end
    end
  end
  local shown = min(total, MAX_HEADS)
  local list = {}
  for _, m in ipairs(mains) do
    local n = max(1, floor(m.count * shown / max(total, 1) + 0.5))
    local cols = expand(m.part.colours)
    if p.look.colour then cols = { p.look.colour } end
    for i = 1, n do
      list[#list + 1] = { flower = m.part.look.flower, colour = cols[(i - 1) % #cols + 1] }
    end
  end
  for i = #list, 2, -1 do
    local j = floor(rnd(1, i + 1))
    if j > i then j = i end
    list[i], list[j] = list[j], list[i]
  end
  return list, fillers
end

-- Heads packed on a sunflower spiral inside an ellipse, drawn from the rim
-- inwards and top to bottom so that nearer blooms overlap farther ones.
local function pack(c, list, cx, cy, rx, ry, rnd, scale)
  local n = #list
  if n == 0 then return end
  local hr = min(rx, ry * 1.6) / sqrt(n) * (scale or 1.08)
  if hr > 62 then hr = 62 end
  local spots = {}
  for i = 0, n - 1 do
    local d = sqrt((i + 0.5) / n)
    local a = i * 2.39996323
    spots[#spots + 1] = { x = cx + cos(a) * d * (rx - hr * 0.6), y = cy + sin(a) * d * (ry - hr * 0.4), i = i + 1 }
  end
  table.sort(spots, function(a, b) return a.y < b.y end)
  for _, s in ipairs(spots) do
    local h = list[s.i]
    local f = heads[h.flower] or heads.rose
    local r = hr
    if BRANCHED[h.flower] then r = hr * 0.9 end
    f(c, s.x, s.y, r, rgb(h.colour), rnd)
  end
end

local function fillers_around(c, fillers, cx, cy, rx, ry, rnd)
  for _, f in ipairs(fillers) do
    local n = min(f.count * 3, 8)
    for k = 1, n do
      local a = -pi + (k - 0.5) * pi / n + rnd(-0.2, 0.2)
      local x, y = cx + cos(a) * rx * 0.95, cy + sin(a) * ry * 0.95
      heads[f.part.look.flower](c, x, y, 34, rgb(expand(f.part.colours)[1]), rnd)
    end
  end
end

local function bow(c, x, y, s, col)
  c:polygon({ x - s * 0.15, y, x - s * 0.55, y + s * 0.9, x - s * 0.25, y + s * 0.85 }, darken(col, 0.1))
  c:polygon({ x + s * 0.15, y, x + s * 0.55, y + s * 0.9, x + s * 0.25, y + s * 0.85 }, darken(col, 0.1))
  c:ellipse(x - s * 0.45, y - s * 0.1, s * 0.45, s * 0.25, col, 0.35)
  c:ellipse(x + s * 0.45, y - s * 0.1, s * 0.45, s * 0.25, col, -0.35)
  c:ellipse(x - s * 0.45, y - s * 0.1, s * 0.25, s * 0.1, darken(col, 0.25), 0.35)
  c:ellipse(x + s * 0.45, y - s * 0.1, s * 0.25, s * 0.1, darken(col, 0.25), -0.35)
  c:circle(x, y - s * 0.05, s * 0.17, darken(col, 0.08))
end

local function paint_bouquet(c, p, by_code, rnd)
  local list, fillers = recipe_heads(p, by_code, rnd)
  local wrap = rgb(p.look.wrap or "kraft")
  background(c, rnd, false)
  -- the wrap's back sheets, then stems, blooms, the front sheets and a bow
  c:polygon({ 40, 70, 280, 70, 190, 290, 130, 290 }, lighten(wrap, 0.25))
  c:polygon({ 20, 120, 90, 40, 160, 280 }, lighten(wrap, 0.12))
  c:polygon({ 300, 120, 230, 40, 160, 280 }, lighten(wrap, 0.12))
  for k = -3, 3 do c:line(160 + k * 22, 150, 160 + k * 3, 300, 4, STEM) end
  fillers_around(c, fillers, 160, 140, 115, 95, rnd)
  pack(c, list, 160, 135, 112, 92, rnd)
  c:polygon({ 105, 205, 215, 205, 160, 300 }, wrap)
  c:polygon({ 50, 185, 105, 205, 160, 300 }, darken(wrap, 0.1))
  c:polygon({ 270, 185, 215, 205, 160, 300 }, darken(wrap, 0.16))
  c:line(105, 205, 160, 300, 1.5, darken(wrap, 0.3), 0.5)
  c:line(215, 205, 160, 300, 1.5, darken(wrap, 0.3), 0.5)
  local ribbon = (p.look.wrap == "white" or p.look.wrap == "kraft") and PALETTE.red or PALETTE.white
  if p.look.wrap == "dark_red" then ribbon = PALETTE.black end
  bow(c, 160, 262, 34, ribbon)
end

local function paint_box(c, p, by_code, rnd)
  local list = recipe_heads(p, by_code, rnd)
  local box = rgb(p.look.box or "pink")
  if p.look.box == "white" then box = { 236, 232, 226 } end
  background(c, rnd, false)
  c:rect(62, 170, 196, 115, darken(box, 0.08))
  c:ellipse(160, 285, 98, 22, darken(box, 0.2))
  c:rect(62, 170, 196, 115, box)
  c:rect(62, 170, 40, 115, lighten(box, 0.15), 0, 0.5)
  c:rect(62, 240, 196, 16, darken(box, 0.25))
  c:ellipse(160, 172, 98, 24, darken(box, 0.35))
  pack(c, list, 160, 146, 104, 52, rnd, 1.4)
end

local function paint_basket(c, p, by_code, rnd)
  local list, fillers = recipe_heads(p, by_code, rnd)
  local wicker = PALETTE.brown
  background(c, rnd, false)
  c:ring(160, 185, 118, 12, darken(wicker, 0.1), true)
  c:ring(160, 185, 118, 4, lighten(wicker, 0.2), true, 0.6)
  fillers_around(c, fillers, 160, 135, 120, 72, rnd)
  pack(c, list, 160, 132, 112, 64, rnd, 1.2)
  c:polygon({ 45, 185, 275, 185, 245, 290, 75, 290 }, wicker)
  for row = 0, 5 do
    local y = 195 + row * 16
    for k = 0, 11 do
      local x = 60 + k * 18 + (row % 2) * 9
      if x > 58 + row * 3 and x < 262 - row * 3 then
        c:ellipse(x, y, 8, 5, lighten(wicker, 0.18), 0.3)
      end
    end
  end
  c:rect(40, 178, 240, 14, darken(wicker, 0.15), 7)
end

local function paint_pot(c, p, rnd)
  local cols = expand(p.colours)
  background(c, rnd, false)
  c:ellipse(130, 235, 70, 16, LEAF, -0.35)
  c:ellipse(190, 238, 66, 15, darken(LEAF, 0.1), 0.4)
  local pts = {}
  for k = 0, 10 do
    local t = k / 10
    pts[#pts + 1] = 150 + t * 70 + sin(t * pi) * 10
    pts[#pts + 1] = 235 - sin(t * pi * 0.9) * 150 - t * 20
  end
  c:path(pts, 4, { 90, 120, 70 })
  for k = 10, 3, -2 do
    heads.orchid(c, pts[2 * k + 1] - 20 + k * 2, pts[2 * k + 2] + 10, 34, rgb(cols[1]), rnd)
  end
  c:polygon({ 105, 240, 215, 240, 200, 300, 120, 300 }, { 236, 236, 230 })
  c:polygon({ 105, 240, 130, 240, 135, 300, 120, 300 }, { 250, 250, 246 })
  c:rect(100, 234, 120, 14, { 214, 214, 206 }, 4)
end

-- The extras are drawn in seed/paint_extras.lua with the same palette and strokes.
local extras = require("devkit.seed.paint_extras") {
  palette = PALETTE, background = background, bow = bow,
  lighten = lighten, darken = darken, rgb = rgb,
}

-- }======================================================================

-- The picture of product p (a catalog entry; by_code to find its recipe's
-- parts): width, height and the pixels for png.encode.
function M.product(p, by_code)
  local c = canvas.new(M.SIZE, M.SIZE)
  local rnd = rng(p.code)
  local look = p.look or {}
  if p.kind == "stem" then
    paint_stem(c, p, rnd)
  elseif p.kind == "composition" then
    if look.shape == "box" then paint_box(c, p, by_code, rnd)
    elseif look.shape == "basket" then paint_basket(c, p, by_code, rnd)
    elseif look.shape == "pot" then paint_pot(c, p, rnd)
    else paint_bouquet(c, p, by_code, rnd) end
  else
    local draw = extras[look.draw] or extras.wrap_korean
    draw(c, rnd)
  end
  return M.SIZE, M.SIZE, c:pixels()
end

return M
