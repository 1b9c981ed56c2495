-- spec/http_plain_spec.lua — http.request's plain-HTTP/1.1 path
-- (engine/io/http1.c), which carries every http:// call to an address: the
-- Bot API on a local server, the emulator. Over real sockets: a server in
-- this process (http.serve) and one in a child process that is restarted
-- under a kept-alive connection.
local http = require "http"
local proc = require "proc"
local timer = require "timer"
local engine = require "engine"
local fs = require "fs"
local json = require "json"

-- A child engine serving POST /who (its pid and the caller's address).
local CHILD = [[
local http = require "http"
local timer = require "timer"
http.route("POST", "/who", function(req)
  return 200, { pid = tonumber(io.open("/proc/self/stat"):read("n")), remote = req.remote, body = req.body }
end)
assert(http.serve("127.0.0.1", tonumber(os.getenv("CHILD_PORT"))))
while true do timer.sleep(60) end
]]

describe("http.request over plain HTTP/1.1", function()
  local base

  setup(function()
    local port = http.port() or assert(http.serve("127.0.0.1", 0))
    base = "http://127.0.0.1:" .. port
    http.route("POST", "/p/echo", function(req)
      return 200, { remote = req.remote, body = req.body, ctype = req.headers["content-type"],
                    x = req.headers["x-custom"], length = req.headers["content-length"] }
    end)
    http.route("GET", "/p/big", function(req)
      return 200, string.rep("й", tonumber(req.query:match("n=(%d+)")))
    end)
    http.route("POST", "/p/status", function(req)
      return tonumber(req.query:match("s=(%d+)")), req.body
    end)
  end)

  -- A POST answered with HTTP `status` and `body`; extra: more request options.
  local function answered(status, body, extra)
    local req = { method = "POST", url = base .. "/p/status?s=" .. status, body = body, timeout = 5 }
    for k, v in pairs(extra) do req[k] = v end
    return assert(http.request(req))
  end

  it("keeps the connection alive between requests to one server", function()
    local a = assert(http.request { method = "POST", url = base .. "/p/echo", body = "1", timeout = 5 })
    local b = assert(http.request { method = "POST", url = base .. "/p/echo", body = "2", timeout = 5 })
    assert.equal(json.decode(a.body).remote, json.decode(b.body).remote)
  end)

  it("sends the body, its length and the caller's headers; gives status, headers and body back", function()
    local body = json.encode { text = "Гулдаста", n = 1 }
    local res = assert(http.request { method = "POST", url = base .. "/p/echo", body = body, timeout = 5,
                                      headers = { ["Content-Type"] = "application/json", ["X-Custom"] = "yes" } })
    assert.equal(200, res.status)
    local got = json.decode(res.body)
    assert.equal(body, got.body)
    assert.equal("application/json", got.ctype)
    assert.equal("yes", got.x)
    assert.equal(tostring(#body), got.length)
    assert.truthy(res.headers["content-type"]:find("application/json", 1, true))
  end)

  it("answers a 2xx body holding success_marker with matched and no body; any other as usual", function()
    local function call(status, body) return answered(status, body, { success_marker = '"ok":true' }) end
    local hit = call(200, '{"ok":true,"result":{"message_id":7}}')
    assert.same({ status = 200, matched = true }, hit)
    local miss = call(200, '{"ok":false,"error_code":400}')
    assert.is_nil(miss.matched)
    assert.equal('{"ok":false,"error_code":400}', miss.body)
    -- not a 2xx: the body is always given, whatever it holds
    local err = call(500, '{"ok":true}')
    assert.is_nil(err.matched)
    assert.equal('{"ok":true}', err.body)
    assert.has_error(function()
      http.request { url = base .. "/p/status?s=200", success_marker = 1 }
    end)
  end)

  it("cuts a 2xx JSON body's array member into its elements' texts with json_items; any other as usual", function()
    local function call(status, body) return answered(status, body, { json_items = "result" }) end
    local up1 = '{"update_id":5,"message":{"text":"a, [b]","chat":{"id":1}}}'
    local up2 = '{"update_id":6,"callback_query":{"data":"c:1"}}'
    local hit = call(200, ' {"ok":true, "result":[' .. up1 .. ' , ' .. up2 .. '] }')
    assert.same({ status = 200, items = { up1, up2 } }, hit)
    assert.same({ status = 200, items = {} }, call(200, '{"ok":true,"result":[]}'))
    -- no such array, malformed, or not a 2xx: the body as usual
    for _, case in ipairs { { 200, '{"ok":true,"result":true}' }, { 200, '{"ok":true,"result":[1,' },
                            { 200, "<html>proxy</html>" }, { 409, '{"ok":true,"result":[1]}' } } do
      local res = call(case[1], case[2])
      assert.is_nil(res.items)
      assert.equal(case[2], res.body)
      assert.equal(case[1], res.status)
    end
    assert.has_error(function()
      http.request { url = base .. "/p/status?s=200", json_items = {} }
    end)
  end)

  it("reads a body of several reads, and refuses one over max_body", function()
    local res = assert(http.request { url = base .. "/p/big?n=100000", timeout = 5 })
    assert.equal(200000, #res.body)
    local none, err, code = http.request { url = base .. "/p/big?n=100000", timeout = 5, max_body = 1000 }
    assert.is_nil(none)
    assert.equal("too_large", code, err)
    -- the connection that was refused is not reused half-read
    assert.equal(200, assert(http.request { url = base .. "/p/big?n=10", timeout = 5 }).status)
  end)

  it("runs many requests at once on several connections", function()
    local hs = {}
    for i = 1, 50 do
      hs[i] = engine.spawn(function()
        return assert(http.request { method = "POST", url = base .. "/p/echo", body = tostring(i), timeout = 5 })
      end)
    end
    for i = 1, 50 do
      local ok, res = hs[i]:wait()
      assert.is_true(ok, res)
      assert.equal(tostring(i), json.decode(res.body).body)
    end
  end)

  it("sends again on a new connection when the server closed the kept-alive one", function()
    local port = math.random(20000, 59000)
    local file = os.tmpname()
    assert(fs.write(file, CHILD))
    local env = { CHILD_PORT = tostring(port), LOG_LEVEL = "error" }
    local function start()
      local p = assert(proc.spawn({ engine.executable(), "run", file }, { env = env }))
      for _ = 1, 200 do
        if http.request { method = "POST", url = "http://127.0.0.1:" .. port .. "/who", timeout = 1 } then return p end
        timer.sleep(0.02)
      end
      error("the child server did not start")
    end
    local url = "http://127.0.0.1:" .. port .. "/who"
    local first = start()
    local a = json.decode(assert(http.request { method = "POST", url = url, body = "a", timeout = 5 }).body)
    first:kill("KILL")
    first:wait()
    local second = start()
    -- the pooled connection to the first process is dead; the answer comes
    -- from the second, and the request was not lost
    local b = json.decode(assert(http.request { method = "POST", url = url, body = "b", timeout = 5 }).body)
    second:kill("KILL")
    second:wait()
    os.remove(file)
    assert.are_not.equal(a.pid, b.pid)
    assert.equal("b", b.body)
  end)

  it("reports a refused connection and a timeout with their codes", function()
    local port = math.random(20000, 59000)
    local none, _, code = http.request { url = "http://127.0.0.1:" .. port .. "/", timeout = 2 }
    assert.is_nil(none)
    assert.equal("refused", code)
    http.route("GET", "/p/slow", function() timer.sleep(2) return 200, "late" end)
    local t0 = timer.monotonic()
    none, _, code = http.request { url = base .. "/p/slow", timeout = 0.3 }
    assert.is_nil(none)
    assert.equal("timeout", code)
    assert.is_true(timer.monotonic() - t0 < 1.5)
  end)
end)
