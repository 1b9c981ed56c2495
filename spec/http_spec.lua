-- spec/http_spec.lua — the http binding over real sockets: the server runs in
-- this very process (http.serve on a free port), routes are registered at run
-- time, and http.request / rawtcp.exchange talk to it like any client would.
local http = require "http"
local rawtcp = require "rawtcp"
local json = require "json"
local timer = require "timer"
local engine = require "engine"

describe("http", function()
  local base, port

  local function get(path, opts)
    opts = opts or {}
    opts.url = base .. path
    opts.timeout = opts.timeout or 5
    return http.request(opts)
  end

  -- Raw bytes in, raw bytes out: for what no well-behaved client sends.
  local function raw(bytes)
    return assert(rawtcp.exchange("127.0.0.1", port, bytes, 3))
  end

  setup(function()
    port = http.port() or assert(http.serve("127.0.0.1", 0))
    base = "http://127.0.0.1:" .. port

    http.route("GET", "/t/json", function()
      return 200, { ok = true, items = { 1, 2, 3 }, name = "Гулдаста" }
    end)
    http.route("*", "/t/echo", function(req)
      return 200, {
        method = req.method, path = req.path, query = req.query, body = req.body,
        id = req.id, remote = req.remote, x_test = req.headers["x-test"],
        content_type = req.headers["content-type"], repeated = req.headers["x-rep"],
      }
    end)
    http.route("POST", "/t/only-post", function() return 201, "created" end)
    http.route("GET", "/t/api/*", function(req) return 200, "api " .. req.path end)
    http.route("GET", "/t/api/v2/*", function(req) return 200, "v2 " .. req.path end)
    http.route("GET", "/t/boom", function() error("deliberate failure in a handler") end)
    http.route("GET", "/t/nostatus", function() return nil, "forgot the status" end)
    http.route("GET", "/t/badjson", function() return 200, { f = print } end)
    http.route("GET", "/t/headers", function()
      return 200, "h", { ["X-One"] = "1", ["Set-Cookie"] = { "a=1", "b=2" },
                         ["Content-Length"] = "999", ["Bad Name"] = "x", ["X-Split"] = "a\r\nb" }
    end)
    http.route("GET", "/t/text", function() return 200, "plain" end)
    http.route("GET", "/t/sleep", function(req)
      timer.sleep(tonumber(req.query:match("s=([%d.]+)")) or 1)
      return 200, "slept"
    end)
  end)

  describe("server", function()
    it("answers 200 with a JSON body from a table", function()
      local res = assert(get("/t/json"))
      assert.are.equal(200, res.status)
      assert.are.equal("application/json", res.headers["content-type"])
      local body = assert(json.decode(res.body))
      assert.is_true(body.ok)
      assert.are.same({ 1, 2, 3 }, body.items)
      assert.are.equal("Гулдаста", body.name)
    end)

    it("gives the handler method, path, query, headers, body, id and remote", function()
      local res = assert(http.request {
        method = "PUT", url = base .. "/t/echo?a=1&b=two", body = "payload",
        headers = { ["X-Test"] = "yes", ["Content-Type"] = "text/x-test" },
      })
      local e = assert(json.decode(res.body))
      assert.are.equal("PUT", e.method)
      assert.are.equal("/t/echo", e.path)
      assert.are.equal("a=1&b=two", e.query)
      assert.are.equal("payload", e.body)
      assert.are.equal("yes", e.x_test)
      assert.are.equal("text/x-test", e.content_type)
      assert.truthy(e.id:match("^%d+$"))
      assert.truthy(e.remote:match("^127%.0%.0%.1:%d+$"))
    end)

    it("takes the request id from X-Request-Id when the client sends one", function()
      local res = assert(get("/t/echo", { headers = { ["X-Request-Id"] = "abc-123" } }))
      assert.are.equal("abc-123", json.decode(res.body).id)
    end)

    it("defaults to text/plain for a string body", function()
      local res = assert(get("/t/text"))
      assert.are.equal("plain", res.body)
      assert.are.equal("text/plain; charset=utf-8", res.headers["content-type"])
    end)

    it("answers 404 for an unknown path", function()
      local res = assert(get("/t/none"))
      assert.are.equal(404, res.status)
      assert.are.equal("not found", json.decode(res.body).error)
    end)

    it("answers 405 with Allow for a known path and another method", function()
      local res = assert(get("/t/only-post"))
      assert.are.equal(405, res.status)
      assert.are.equal("POST", res.headers["allow"])
      assert.are.equal(201, assert(http.request { method = "POST", url = base .. "/t/only-post", body = "" }).status)
    end)

    it("matches prefix routes, the longest prefix first", function()
      assert.are.equal("api /t/api/v1/x", assert(get("/t/api/v1/x")).body)
      assert.are.equal("v2 /t/api/v2/y", assert(get("/t/api/v2/y")).body)
      assert.are.equal(404, assert(get("/t/ap")).status)
    end)

    it("answers HEAD with the GET route's headers and no body", function()
      local res = assert(http.request { method = "HEAD", url = base .. "/t/text" })
      assert.are.equal(200, res.status)
      assert.are.equal("", res.body)
      assert.are.equal("5", res.headers["content-length"])
    end)

    it("sends the handler's headers, lists as repeated headers, drops unsafe ones", function()
      local res = assert(get("/t/headers"))
      assert.are.equal("h", res.body)
      assert.are.equal("1", res.headers["x-one"])
      assert.are.equal("a=1, b=2", res.headers["set-cookie"])
      assert.are.equal("1", res.headers["content-length"])
      assert.is_nil(res.headers["bad name"])
      assert.is_nil(res.headers["x-split"])
    end)

    it("answers 500 when a handler raises, and keeps serving", function()
      local res = assert(get("/t/boom"))
      assert.are.equal(500, res.status)
      assert.are.equal("internal", json.decode(res.body).error)
      assert.are.equal(200, assert(get("/t/text")).status)
    end)

    it("answers 500 when a handler returns no status or an unencodable body", function()
      assert.are.equal(500, assert(get("/t/nostatus")).status)
      assert.are.equal(500, assert(get("/t/badjson")).status)
    end)

    it("answers 413 to a body over the limit, and the limit can be changed", function()
      http.set_body_limit(1000)
      local res = assert(http.request { method = "POST", url = base .. "/t/echo", body = ("x"):rep(1001) })
      assert.are.equal(413, res.status)
      assert.are.equal("too large", json.decode(res.body).error)
      local ok = assert(http.request { method = "POST", url = base .. "/t/echo", body = ("x"):rep(1000) })
      assert.are.equal(200, ok.status)
      http.set_body_limit(1024 * 1024)
      local big = assert(http.request { method = "POST", url = base .. "/t/echo", body = ("y"):rep(500000) })
      assert.are.equal(200, big.status)
      assert.are.equal(500000, #json.decode(big.body).body)
    end)

    it("answers 400 to a malformed request and closes the connection", function()
      local out = raw("BREW /pot HTTP/1.1\r\n\r\n")
      assert.truthy(out:match("^HTTP/1%.1 400 Bad Request\r\n"), out)
      assert.truthy(out:find("Connection: close\r\n", 1, true))
      out = raw("GET / HTTP/1.1\r\nBad Header : x\r\n\r\n")
      assert.truthy(out:match("^HTTP/1%.1 400 "), out)
    end)

    it("keeps the connection alive: two requests, two answers, in order", function()
      local out = raw("GET /t/text HTTP/1.1\r\nHost: x\r\n\r\n" ..
                      "GET /t/api/z HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
      local first = out:find("plain", 1, true)
      local second = out:find("api /t/api/z", 1, true)
      assert.truthy(first and second and first < second, out)
      local _, answers = out:gsub("HTTP/1%.1 200 OK", "")
      assert.are.equal(2, answers)
      assert.truthy(out:find("Connection: keep-alive\r\n", 1, true))
    end)

    it("a slow handler does not delay a fast one", function()
      local slow = engine.spawn(function() return get("/t/sleep?s=0.5") end)
      timer.sleep(0.05)
      local t0 = timer.monotonic()
      local res = assert(get("/t/text"))
      local took = timer.monotonic() - t0
      assert.are.equal(200, res.status)
      assert.is_true(took < 0.3, "fast request took " .. took .. " s")
      local ok, slow_res = slow:wait()
      assert.is_true(ok)
      assert.are.equal("slept", slow_res.body)
    end)

    it("counts requests in the metrics", function()
      assert(get("/t/text"))
      local metrics = require("engine").metrics and require("engine").metrics() or nil
      if metrics then
        assert.truthy(metrics:find('guldasta_http_requests_total{code="200"}', 1, true))
        assert.truthy(metrics:find('guldasta_http_request_seconds_bucket{route="/t/text"', 1, true))
      end
    end)

    it("refuses a bad route registration", function()
      assert.has_error(function() http.route("get", "/x", print) end)
      assert.has_error(function() http.route("GET", "x", print) end)
      assert.has_error(function() http.route("GET", "/a*b", print) end)
      assert.has_error(function() http.route("GET", "/x", "not a function") end)
    end)

    it("refuses to serve twice", function()
      local p, err, code = http.serve("127.0.0.1", 0)
      assert.is_nil(p)
      assert.are.equal("busy", code)
      assert.truthy(err:find(tostring(port), 1, true))
    end)
  end)

  describe("client", function()
    it("has a get shortcut", function()
      local res = assert(http.get(base .. "/t/json", { timeout = 5 }))
      assert.are.equal(200, res.status)
    end)

    it("times out against a handler that sleeps", function()
      local t0 = timer.monotonic()
      local res, err, code = get("/t/sleep?s=1", { timeout = 0.3 })
      local took = timer.monotonic() - t0
      assert.is_nil(res)
      assert.are.equal("timeout", code)
      assert.is_string(err)
      assert.is_true(took < 1.5, "took " .. took)
    end)

    it("reports a refused connection", function()
      local res, err, code = http.request { url = "http://127.0.0.1:1/", timeout = 5 }
      assert.is_nil(res)
      assert.are.equal("refused", code)
      assert.is_string(err)
    end)

    it("reports a bad url", function()
      local _, _, code = http.request { url = "gopher://127.0.0.1/", timeout = 5 }
      assert.are.equal("url", code)
    end)

    it("posts multipart forms", function()
      local res = assert(http.request {
        url = base .. "/t/echo", method = "POST",
        form = { { name = "chat_id", data = "42" },
                 { name = "photo", data = "\137PNG", filename = "a.png", content_type = "image/png" } },
      })
      local e = json.decode(res.body)
      assert.truthy(e.content_type:match("^multipart/form%-data; boundary="))
      assert.truthy(e.body:find('name="chat_id"', 1, true))
      assert.truthy(e.body:find('filename="a.png"', 1, true))
    end)

    it("limits the response body", function()
      local res, _, code = get("/t/json", { max_body = 5 })
      assert.is_nil(res)
      assert.are.equal("too_large", code)
    end)

    it("raises on misuse", function()
      assert.has_error(function() http.request { timeout = 1 } end)
      assert.has_error(function() http.request { url = base, headers = { ["X"] = "a\nb" } } end)
      assert.has_error(function() http.request { url = base, method = "get" } end)
      assert.has_error(function() http.request { url = base, timeout = -1 } end)
    end)

    it("runs many requests at once", function()
      local handles = {}
      for i = 1, 30 do
        handles[i] = engine.spawn(function() return get("/t/echo?i=" .. i) end)
      end
      for i = 1, 30 do
        local ok, res = handles[i]:wait()
        assert.is_true(ok)
        assert.are.equal("i=" .. i, json.decode(res.body).query)
      end
    end)
  end)
end)
