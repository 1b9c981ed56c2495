-- spec/http_tls_spec.lua — http.request over HTTPS (libcurl), as the engine
-- talks to api.telegram.org: the connections are kept and reused, bursts
-- included, and the CA bundle is parsed once per process. Against a real
-- TLS server on loopback (spec/support/tls_server.mjs, node) with a private
-- CA, trusted the way production trusts Telegram's: SSL_CERT_FILE names
-- the whole system bundle with that CA appended (tools/tls_test_ca.sh).
--
-- The calls are made by a child `guldasta run`, which reads SSL_CERT_FILE
-- at start as `serve` does; it prints what it saw as one JSON line.
local proc = require "proc"
local fs = require "fs"
local json = require "json"
local timer = require "timer"
local engine = require "engine"
local config = require "config"

-- BURSTS bursts of CALLERS units of work, each making CALLS calls in a row,
-- with PAUSE seconds between bursts; then the server's count of TLS
-- connections and the engine's metrics.
local CHILD = [[
local http = require "http"
local engine = require "engine"
local json = require "json"
local timer = require "timer"
local url = os.getenv("TLS_URL")
local callers, calls = tonumber(os.getenv("CALLERS")), tonumber(os.getenv("CALLS"))
local function call()
  local res, err, code = http.request { method = "POST", url = url .. "/botT/sendMessage", body = '{"chat_id":1}',
                                        headers = { ["Content-Type"] = "application/json" }, timeout = 20,
                                        success_marker = '"ok":true' }
  if not (res and res.matched) then error(("call failed: %s %s"):format(tostring(code), tostring(err))) end
end
local function server_connections()
  local res, err, code = http.request { url = url .. "/connections", timeout = 20 }
  if not res then return { error = err, code = code } end
  return json.decode(res.body).connections
end
local out = { seen = {} }
for b = 1, tonumber(os.getenv("BURSTS")) do
  if b > 1 then timer.sleep(tonumber(os.getenv("PAUSE"))) end
  local hs = {}
  for i = 1, callers do hs[i] = engine.spawn(function() for _ = 1, calls do call() end end) end
  for i = 1, callers do
    local ok, err = hs[i]:wait()
    if not ok then out.error = tostring(err) end
  end
  out.seen[b] = server_connections()
end
out.ca_loads = engine.metric("guldasta_tls_ca_loads_total")
out.ca_certificates = engine.metric("guldasta_tls_ca_certificates")
out.connections = engine.metric("guldasta_http_client_connections_total", 'scheme="https"')
out.requests = engine.metric("guldasta_http_client_requests_total", 'scheme="https"')
io.write(json.encode(out), "\n")
]]

describe("http.request over HTTPS", function()
  local dir, server, url, child_file

  -- Runs CHILD with these variables; its JSON line decoded.
  local function child(env)
    local res = assert(proc.run({ engine.executable(), "run", child_file },
      { env = env, timeout = 120 }))
    assert.equal(0, res.code, res.stderr)
    local line = res.stdout:match("[^\n]+")
    assert.truthy(line, res.stderr)
    return json.decode(line)
  end

  setup(function()
    dir = assert(proc.run { "mktemp", "-d", "/tmp/guldasta-tls-spec-XXXXXX" }).stdout:gsub("%s+$", "")
    local made = assert(proc.run { config.root .. "/tools/tls_test_ca.sh", dir })
    assert.equal(0, made.code, made.stderr)
    local port_file = dir .. "/port"
    server = assert(proc.spawn({ "node", config.root .. "/spec/support/tls_server.mjs",
                                 dir .. "/server.pem", dir .. "/server.key", port_file },
                               { stdout = dir .. "/server.log", stderr = dir .. "/server.log" }))
    local port
    for _ = 1, 200 do
      port = fs.read(port_file)
      if port or not server:running() then break end
      timer.sleep(0.05)
    end
    assert.truthy(port, fs.read(dir .. "/server.log"))
    url = "https://127.0.0.1:" .. port
    child_file = dir .. "/child.lua"
    assert(fs.write(child_file, CHILD))
  end)

  teardown(function()
    if server then
      server:kill("TERM")
      server:wait(10)
    end
    if dir then proc.run { "rm", "-rf", dir } end
  end)

  it("keeps its connections through bursts and pauses, and parses the CA bundle once", function()
    -- 20 callers: 20 connections at most, opened in the first burst. The
    -- bursts after a pause find them all kept (libcurl's default had kept
    -- four per transfer still running, so a burst's end closed them).
    local got = child { SSL_CERT_FILE = dir .. "/bundle.pem", TLS_URL = url,
                        CALLERS = 20, CALLS = 10, BURSTS = 3, PAUSE = 1.5 }
    assert.is_nil(got.error)
    local first = got.seen[1]
    assert.is_number(first, json.encode(got))
    assert.is_true(first >= 1 and first <= 20, json.encode(got))
    assert.same({ first, first, first }, got.seen)
    -- what the engine counted is what the server saw
    assert.equal(first, got.connections)
    assert.equal(3 * 20 * 10 + 3, got.requests)
    -- the whole system bundle and the private CA, read once
    assert.equal(1, got.ca_loads)
    assert.is_true(got.ca_certificates > 100, json.encode(got))
  end)

  it("reuses one connection for calls made one after another", function()
    local got = child { SSL_CERT_FILE = dir .. "/bundle.pem", TLS_URL = url,
                        CALLERS = 1, CALLS = 200, BURSTS = 2, PAUSE = 1 }
    assert.is_nil(got.error)
    assert.equal(1, got.connections, json.encode(got))
  end)

  it("verifies the server: without the private CA the call fails as a TLS error, and the engine goes on", function()
    -- the system bundle alone does not hold the private CA
    local system = assert(proc.run "openssl version -d").stdout:match('"(.*)"') .. "/cert.pem"
    local got = child { SSL_CERT_FILE = system, TLS_URL = url, CALLERS = 1, CALLS = 1, BURSTS = 1, PAUSE = 0 }
    assert.truthy(got.error and got.error:find("tls", 1, true), json.encode(got))
    assert.equal("tls", got.seen[1].code)
    assert.equal(1, got.ca_loads)
    -- a bundle that cannot be read: the same clear failure, nothing loaded
    got = child { SSL_CERT_FILE = dir .. "/missing.pem", TLS_URL = url, CALLERS = 1, CALLS = 1, BURSTS = 1, PAUSE = 0 }
    assert.truthy(got.error and got.error:find("tls", 1, true), json.encode(got))
    assert.equal(0, got.ca_loads)
  end)
end)
