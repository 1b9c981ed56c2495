-- devkit/seed/paint_extras.lua — the pictures of the extras (wrap, ribbon,
-- card, balloons, a teddy bear, sweets, a vase, the hat box and the basket),
-- for seed/paint.lua. It hands over its palette and shared strokes (kit), so
-- both files draw in one style.
--
--   local extras = require("devkit.seed.paint_extras")(kit)   -- extras[name](canvas, rnd)
local sin, cos, floor, min = math.sin, math.cos, math.floor, math.min

return function(kit)
  local PALETTE, background, bow = kit.palette, kit.background, kit.bow
  local lighten, darken, rgb = kit.lighten, kit.darken, kit.rgb

  local extras = {}


  -- A rectangle turned by angle, as polygon points.
  local function sheet(cx, cy, w, h, angle)
    local ca, sa = cos(angle), sin(angle)
    local pts = {}
    for _, d in ipairs { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } } do
      local x, y = d[1] * w / 2, d[2] * h / 2
      pts[#pts + 1] = cx + x * ca - y * sa
      pts[#pts + 1] = cy + x * sa + y * ca
    end
    return pts
  end

  function extras.wrap_kraft(c, rnd)
    background(c, rnd, false)
    for k = -2, 2 do
      local col = darken(PALETTE.kraft, 0.04 * (k + 2))
      c:polygon(sheet(160 + k * 12, 165, 170, 210, k * 0.18), col)
      c:line(160 + k * 12, 70, 160 + k * 20, 260, 1.5, darken(col, 0.2), 0.5)
    end
    c:line(80, 240, 240, 235, 3, { 120, 90, 60 })
  end

  function extras.wrap_korean(c, rnd)
    background(c, rnd, false)
    local cols = { PALETTE.lilac, PALETTE.pink, PALETTE.white, PALETTE.peach }
    for k = 1, 4 do
      c:polygon(sheet(120 + k * 16, 160, 170, 200, (k - 2.5) * 0.25), lighten(cols[k], 0.25), 0.85)
    end
    c:polygon(sheet(160, 170, 150, 180, 0.05), { 235, 240, 245 }, 0.45)
  end

  function extras.ribbon(c, rnd)
    background(c, rnd, false)
    c:circle(160, 230, 48, darken(PALETTE.red, 0.15))
    c:circle(160, 230, 40, PALETTE.red)
    c:circle(160, 230, 14, { 230, 220, 210 })
    bow(c, 160, 120, 90, PALETTE.red)
    bow(c, 235, 235, 40, PALETTE.white)
  end

  function extras.card(c, rnd)
    background(c, rnd, false)
    c:polygon(sheet(175, 175, 190, 130, 0.12), PALETTE.kraft)
    c:rect(72, 78, 180, 130, { 0, 0, 0 }, 6, 0.12)
    c:rect(66, 72, 180, 130, { 255, 253, 248 }, 6)
    c:heart(110, 115, 46, PALETTE.red)
    for k = 0, 3 do c:rect(145, 100 + k * 18, 80 - (k % 2) * 20, 6, { 150, 150, 160 }, 3) end
    c:rect(90, 170, 130, 6, { 150, 150, 160 }, 3)
  end

  function extras.topper(c, rnd)
    background(c, rnd, false)
    c:line(160, 170, 160, 300, 6, PALETTE.gold)
    c:circle(160, 120, 78, darken(PALETTE.gold, 0.12))
    c:circle(160, 120, 70, PALETTE.gold)
    for k = 0, 2 do c:rect(110, 95 + k * 20, 100, 8, lighten(PALETTE.gold, 0.5), 4) end
    for _ = 1, 14 do
      c:circle(rnd(40, 280), rnd(40, 280), rnd(3, 6), rgb(({ "pink", "blue", "gold", "red" })[floor(rnd(1, 5))]), 0.8)
    end
  end

  function extras.balloon_heart(c, rnd)
    background(c, rnd, false)
    c:path({ 160, 215, 150, 245, 168, 275, 158, 305 }, 2, { 120, 120, 130 })
    c:heart(160, 120, 190, darken(PALETTE.red, 0.1))
    c:heart(160, 118, 176, PALETTE.red)
    c:ellipse(115, 80, 22, 10, { 255, 255, 255 }, -0.6, 0.45)
    c:polygon({ 154, 212, 166, 212, 160, 222 }, darken(PALETTE.red, 0.2))
  end

  function extras.balloons(c, rnd)
    background(c, rnd, false)
    local spots = { { 95, 110 }, { 225, 110 }, { 160, 80 }, { 120, 170 }, { 200, 170 } }
    local cols = { "pink", "blue", "yellow", "red", "lilac" }
    for i, s in ipairs(spots) do c:line(s[1], s[2] + 50, 160, 300, 1.5, { 120, 120, 130 }) end
    for i, s in ipairs(spots) do
      local col = rgb(cols[i])
      c:ellipse(s[1], s[2], 44, 54, darken(col, 0.12))
      c:ellipse(s[1] - 2, s[2] - 2, 40, 50, col)
      c:ellipse(s[1] - 16, s[2] - 22, 10, 6, { 255, 255, 255 }, -0.7, 0.5)
      c:polygon({ s[1] - 6, s[2] + 58, s[1] + 6, s[2] + 58, s[1], s[2] + 50 }, darken(col, 0.2))
    end
  end

  function extras.bear(c, rnd)
    local fur, inner = PALETTE.beige, lighten(PALETTE.beige, 0.35)
    local dark = { 60, 40, 30 }
    background(c, rnd, false)
    c:ellipse(160, 225, 70, 72, darken(fur, 0.05))
    c:ellipse(160, 232, 40, 44, inner)
    c:circle(100, 285, 26, fur); c:circle(220, 285, 26, fur)
    c:circle(100, 288, 14, inner); c:circle(220, 288, 14, inner)
    c:ellipse(95, 205, 22, 40, fur, 0.5); c:ellipse(225, 205, 22, 40, fur, -0.5)
    c:circle(105, 75, 26, fur); c:circle(215, 75, 26, fur)
    c:circle(105, 75, 14, inner); c:circle(215, 75, 14, inner)
    c:circle(160, 120, 66, fur)
    c:ellipse(160, 145, 28, 22, inner)
    c:ellipse(160, 134, 10, 7, dark)
    c:line(160, 140, 160, 152, 2, dark)
    c:circle(136, 108, 7, dark); c:circle(184, 108, 7, dark)
    c:circle(138, 106, 2, { 255, 255, 255 }); c:circle(186, 106, 2, { 255, 255, 255 })
    bow(c, 160, 182, 30, PALETTE.red)
  end

  local function candy_box(c, rnd, ball, paper, rows, cols)
    background(c, rnd, false)
    c:rect(46, 76, 236, 200, { 0, 0, 0 }, 10, 0.1)
    c:rect(40, 70, 240, 200, { 230, 238, 242 }, 10)
    c:rect(50, 80, 220, 180, paper, 6)
    local sx, sy = 220 / cols, 170 / rows
    local r = min(sx, sy) * 0.42
    for i = 0, rows - 1 do
      for j = 0, cols - 1 do
        local x, y = 60 + sx * (j + 0.5), 86 + sy * (i + 0.5)
        c:circle(x, y + 3, r * 1.05, darken(paper, 0.25))
        c:circle(x, y, r, ball)
        for _ = 1, 6 do c:circle(x + rnd(-r, r) * 0.6, y + rnd(-r, r) * 0.6, 1.5, darken(ball, 0.2), 0.8) end
        c:circle(x - r * 0.35, y - r * 0.35, r * 0.25, { 255, 255, 255 }, 0.5)
      end
    end
    c:rect(40, 150, 240, 14, PALETTE.red, 0, 0.85)
    bow(c, 160, 150, 30, PALETTE.red)
  end

  function extras.raffaello(c, rnd)
    candy_box(c, rnd, { 246, 243, 236 }, { 240, 226, 200 }, 3, 4)
  end

  function extras.ferrero(c, rnd)
    candy_box(c, rnd, PALETTE.gold, { 120, 80, 40 }, 4, 4)
  end

  function extras.vase(c, rnd)
    background(c, rnd, false)
    local glass = { 196, 224, 238 }
    local edge = darken(glass, 0.3)
    -- two convex pieces (the polygon fill wants convex shapes): neck, body
    c:polygon({ 116, 56, 204, 56, 197, 92, 123, 92 }, edge, 0.6)
    c:polygon({ 123, 88, 197, 88, 233, 200, 214, 294, 106, 294, 87, 200 }, edge, 0.6)
    c:polygon({ 120, 60, 200, 60, 193, 92, 127, 92 }, glass, 0.8)
    c:polygon({ 127, 92, 193, 92, 228, 200, 210, 290, 110, 290, 92, 200 }, glass, 0.8)
    c:polygon({ 101, 200, 219, 200, 210, 290, 110, 290 }, { 150, 195, 225 }, 0.4)
    c:ellipse(160, 60, 40, 8, darken(glass, 0.25), 0, 0.8)
    c:line(120, 110, 104, 260, 5, { 255, 255, 255 }, 0.7)
    c:line(204, 130, 212, 230, 3, { 255, 255, 255 }, 0.5)
  end

  function extras.hatbox(c, rnd)
    local box = PALETTE.pink
    background(c, rnd, false)
    c:rect(70, 130, 180, 150, box)
    c:ellipse(160, 280, 90, 20, darken(box, 0.2))
    c:rect(70, 130, 180, 150, box)
    c:rect(70, 130, 36, 150, lighten(box, 0.15), 0, 0.5)
    c:ellipse(160, 128, 96, 24, darken(box, 0.1))
    c:ellipse(160, 118, 96, 24, lighten(box, 0.1))
    c:rect(64, 100, 192, 22, box, 4)
    bow(c, 160, 100, 36, PALETTE.white)
  end

  function extras.basket(c, rnd)
    local wicker = PALETTE.brown
    background(c, rnd, false)
    c:ring(160, 175, 112, 12, darken(wicker, 0.1), true)
    c:ellipse(160, 178, 115, 24, darken(wicker, 0.45))
    c:polygon({ 45, 180, 275, 180, 245, 290, 75, 290 }, wicker)
    for row = 0, 5 do
      local y = 192 + row * 16
      for k = 0, 11 do
        local x = 60 + k * 18 + (row % 2) * 9
        if x > 58 + row * 3 and x < 262 - row * 3 then c:ellipse(x, y, 8, 5, lighten(wicker, 0.18), 0.3) end
      end
    end
    c:rect(40, 172, 240, 14, darken(wicker, 0.15), 7)
  end

  return extras
end
