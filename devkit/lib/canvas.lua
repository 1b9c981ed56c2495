-- devkit/lib/canvas.lua — a tiny RGB raster with anti-aliased shapes, for
-- the demo's product pictures (devkit/seed/paint.lua draws with it,
-- devkit/lib/png.lua writes the result).
--
-- Every shape is drawn the same way: for each pixel of its bounding box we
-- compute a signed distance to the shape's edge (negative inside) and cover
-- the pixel by clamp(0.5 - distance): one pixel of soft edge is all the
-- anti-aliasing a 320x320 picture of flowers needs, and it costs no
-- supersampling. Colours are {r, g, b} with 0..255 components; `alpha`
-- (0..1) makes a shape translucent.
--
--   local c = canvas.new(320, 320)
--   c:gradient({250, 240, 235}, {235, 220, 215})
--   c:circle(160, 120, 40, {200, 30, 45})
--   local pixels = c:pixels()          -- for png.encode(c.w, c.h, pixels)
--
-- Pure computation, no I/O.
local sqrt, floor, ceil, min, max, cos, sin, abs = math.sqrt, math.floor, math.ceil,
  math.min, math.max, math.cos, math.sin, math.abs

local Canvas = {}
Canvas.__index = Canvas

local M = {}

function M.new(w, h)
  local r, g, b = {}, {}, {}
  for i = 1, w * h do r[i], g[i], b[i] = 255, 255, 255 end
  return setmetatable({ w = w, h = h, r = r, g = g, b = b }, Canvas)
end

-- Blends colour col over pixel (x, y) with coverage a (0..1).
local function blend(c, x, y, col, a)
  local i = y * c.w + x + 1
  local r, g, b = c.r, c.g, c.b
  r[i] = r[i] + (col[1] - r[i]) * a
  g[i] = g[i] + (col[2] - g[i]) * a
  b[i] = b[i] + (col[3] - b[i]) * a
end

-- Runs dist(x, y) over the clipped box and blends where it covers. The
-- distance is taken at the pixel's centre.
local function fill(c, x0, y0, x1, y1, col, alpha, dist)
  alpha = alpha or 1
  x0, y0 = max(0, floor(x0)), max(0, floor(y0))
  x1, y1 = min(c.w - 1, ceil(x1)), min(c.h - 1, ceil(y1))
  for y = y0, y1 do
    local py = y + 0.5
    for x = x0, x1 do
      local d = dist(x + 0.5, py)
      if d < 0.5 then
        local a = 0.5 - d
        if a > 1 then a = 1 end
        blend(c, x, y, col, a * alpha)
      end
    end
  end
end

-- {======================================================================
-- Shapes
-- =======================================================================

-- A vertical gradient from top to bottom over the whole canvas.
function Canvas:gradient(top, bottom)
  local w, h = self.w, self.h
  for y = 0, h - 1 do
    local t = y / (h - 1)
    local rr = top[1] + (bottom[1] - top[1]) * t
    local gg = top[2] + (bottom[2] - top[2]) * t
    local bb = top[3] + (bottom[3] - top[3]) * t
    for x = 0, w - 1 do
      local i = y * w + x + 1
      self.r[i], self.g[i], self.b[i] = rr, gg, bb
    end
  end
end

function Canvas:circle(cx, cy, rad, col, alpha)
  fill(self, cx - rad - 1, cy - rad - 1, cx + rad + 1, cy + rad + 1, col, alpha, function(x, y)
    local dx, dy = x - cx, y - cy
    return sqrt(dx * dx + dy * dy) - rad
  end)
end

-- An ellipse with radii rx, ry turned by angle (radians). The distance is
-- the usual cheap approximation (normalised radius scaled by the smaller
-- axis): exact enough for a one-pixel edge.
function Canvas:ellipse(cx, cy, rx, ry, col, angle, alpha)
  angle = angle or 0
  local ca, sa = cos(angle), sin(angle)
  local ext = max(rx, ry) + 1
  local k = min(rx, ry)
  fill(self, cx - ext, cy - ext, cx + ext, cy + ext, col, alpha, function(x, y)
    local dx, dy = x - cx, y - cy
    local u = (dx * ca + dy * sa) / rx
    local v = (-dx * sa + dy * ca) / ry
    return (sqrt(u * u + v * v) - 1) * k
  end)
end

-- A ring (circle outline) of the given thickness; with `upper` only the
-- half above the centre (a basket's handle).
function Canvas:ring(cx, cy, rad, thickness, col, upper, alpha)
  local half = thickness / 2
  fill(self, cx - rad - half - 1, cy - rad - half - 1, cx + rad + half + 1,
       upper and cy or cy + rad + half + 1, col, alpha, function(x, y)
    local dx, dy = x - cx, y - cy
    return abs(sqrt(dx * dx + dy * dy) - rad) - half
  end)
end

-- A thick segment with round ends (a stem, a string, a stroke).
function Canvas:line(x1, y1, x2, y2, width, col, alpha)
  local half = width / 2
  local vx, vy = x2 - x1, y2 - y1
  local len2 = vx * vx + vy * vy
  fill(self, min(x1, x2) - half - 1, min(y1, y2) - half - 1, max(x1, x2) + half + 1,
       max(y1, y2) + half + 1, col, alpha, function(x, y)
    local t = 0
    if len2 > 0 then t = ((x - x1) * vx + (y - y1) * vy) / len2 end
    if t < 0 then t = 0 elseif t > 1 then t = 1 end
    local dx, dy = x - (x1 + vx * t), y - (y1 + vy * t)
    return sqrt(dx * dx + dy * dy) - half
  end)
end

-- A polyline through points {x1, y1, x2, y2, ...}: a curved stem.
function Canvas:path(points, width, col, alpha)
  for i = 1, #points - 3, 2 do
    self:line(points[i], points[i + 1], points[i + 2], points[i + 3], width, col, alpha)
  end
end

-- A convex polygon, points {x1, y1, x2, y2, ...} in either winding: the
-- distance is the largest of the distances to the edges' lines.
function Canvas:polygon(points, col, alpha)
  local n = #points // 2
  local edges = {}
  local x0, y0, x1, y1 = math.huge, math.huge, -math.huge, -math.huge
  local area = 0
  for i = 1, n do
    local ax, ay = points[2 * i - 1], points[2 * i]
    local j = i % n + 1
    local bx, by = points[2 * j - 1], points[2 * j]
    area = area + (ax * by - bx * ay)
    x0, y0, x1, y1 = min(x0, ax), min(y0, ay), max(x1, ax), max(y1, ay)
  end
  local s = area > 0 and 1 or -1
  for i = 1, n do
    local ax, ay = points[2 * i - 1], points[2 * i]
    local j = i % n + 1
    local bx, by = points[2 * j - 1], points[2 * j]
    local ex, ey = bx - ax, by - ay
    local len = sqrt(ex * ex + ey * ey)
    if len > 0 then
      -- outward normal for this winding
      edges[#edges + 1] = { ax, ay, s * ey / len, -s * ex / len }
    end
  end
  fill(self, x0 - 1, y0 - 1, x1 + 1, y1 + 1, col, alpha, function(x, y)
    local d = -math.huge
    for k = 1, #edges do
      local e = edges[k]
      local v = (x - e[1]) * e[3] + (y - e[2]) * e[4]
      if v > d then d = v end
    end
    return d
  end)
end

-- An axis-aligned rectangle with rounded corners of radius rr.
function Canvas:rect(x, y, w, h, col, rr, alpha)
  rr = rr or 0
  local cx, cy = x + w / 2, y + h / 2
  local hx, hy = w / 2 - rr, h / 2 - rr
  fill(self, x - 1, y - 1, x + w + 1, y + h + 1, col, alpha, function(px, py)
    local qx, qy = abs(px - cx) - hx, abs(py - cy) - hy
    local ox, oy = max(qx, 0), max(qy, 0)
    return sqrt(ox * ox + oy * oy) + min(max(qx, qy), 0) - rr
  end)
end

-- A heart centred at (cx, cy) of about `size` across: two circles over a
-- triangle, drawn as one shape so that translucency does not double up.
function Canvas:heart(cx, cy, size, col, alpha)
  local r = size * 0.27
  local lx, rx, ty = cx - size * 0.22, cx + size * 0.22, cy - size * 0.12
  local tip = cy + size * 0.5
  local half = size * 0.47
  fill(self, cx - size / 2 - 2, cy - size / 2 - 2, cx + size / 2 + 2, tip + 2, col, alpha, function(x, y)
    local d1 = sqrt((x - lx) ^ 2 + (y - ty) ^ 2) - r
    local d2 = sqrt((x - rx) ^ 2 + (y - ty) ^ 2) - r
    -- the lower part: inside the "V" below the circles' centres
    local d3 = math.huge
    if y >= ty then
      local t = (y - ty) / (tip - ty)
      d3 = abs(x - cx) - half * (1 - t)
      if t > 1 then d3 = math.huge end
    end
    return min(d1, d2, d3)
  end)
end

-- }======================================================================

-- The pixels as integers 0..255, three per pixel, for png.encode.
function Canvas:pixels()
  local out = {}
  local r, g, b = self.r, self.g, self.b
  local n = 0
  for i = 1, self.w * self.h do
    local rr, gg, bb = floor(r[i] + 0.5), floor(g[i] + 0.5), floor(b[i] + 0.5)
    out[n + 1] = rr < 0 and 0 or rr > 255 and 255 or rr
    out[n + 2] = gg < 0 and 0 or gg > 255 and 255 or gg
    out[n + 3] = bb < 0 and 0 or bb > 255 and 255 or bb
    n = n + 3
  end
  return out
end

return M
