-- spec/fs_spec.lua — the fs binding: whole-file reads, atomic writes,
-- listings, stat, and errors as nil, message, code.
local fs = require "fs"
local proc = require "proc"
local timer = require "timer"

describe("fs", function()
  local dir

  setup(function()
    local res = assert(proc.run { "mktemp", "-d", "/tmp/guldasta-fs-spec-XXXXXX" })
    dir = res.stdout:gsub("%s+$", "")
  end)

  teardown(function()
    if dir then proc.run { "rm", "-rf", dir } end
  end)

  describe("write and read", function()
    it("round-trips text", function()
      assert.is_true(fs.write(dir .. "/a.txt", "Atirgul — роза — atirgul"))
      assert.are.equal("Atirgul — роза — atirgul", fs.read(dir .. "/a.txt"))
    end)

    it("round-trips binary data, NULs included", function()
      local bytes = {}
      for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
      local data = table.concat(bytes):rep(1000)
      assert.is_true(fs.write(dir .. "/bin", data))
      assert.are.equal(data, fs.read(dir .. "/bin"))
    end)

    it("writes and reads an empty file", function()
      assert.is_true(fs.write(dir .. "/empty", ""))
      assert.are.equal("", fs.read(dir .. "/empty"))
    end)

    it("replaces a file entirely", function()
      assert(fs.write(dir .. "/r", ("x"):rep(10000)))
      assert(fs.write(dir .. "/r", "short"))
      assert.are.equal("short", fs.read(dir .. "/r"))
    end)

    it("leaves no temporary files behind", function()
      for i = 1, 5 do assert(fs.write(dir .. "/t", tostring(i))) end
      for _, name in ipairs(assert(fs.list(dir))) do
        assert.is_nil(name:find("%.tmp%-"), name)
      end
    end)

    it("never lets a reader see a torn file", function()
      -- Writers alternate two large contents while a reader polls: every
      -- read must be one of the two, whole.
      local a, b = ("A"):rep(300000), ("B"):rep(200000)
      local path = dir .. "/atomic"
      assert(fs.write(path, a))
      local writing = true
      local t = timer.every(0.001, function()
        if writing then fs.write(path, math.random() < 0.5 and a or b) end
      end)
      for _ = 1, 100 do
        local got = assert(fs.read(path))
        assert.is_true(got == a or got == b, "torn read of " .. #got .. " bytes")
      end
      writing = false
      t:stop()
    end)

    it("reads files whose size stat cannot tell (procfs)", function()
      local s = assert(fs.read("/proc/self/status"))
      assert.truthy(s:find("Name:", 1, true))
    end)
  end)

  describe("errors", function()
    it("reports a missing file as enoent", function()
      local v, err, code = fs.read(dir .. "/missing")
      assert.is_nil(v)
      assert.are.equal("enoent", code)
      assert.truthy(err:find("missing", 1, true))
    end)

    it("reports reading a directory as eisdir", function()
      local v, _, code = fs.read(dir)
      assert.is_nil(v)
      assert.are.equal("eisdir", code)
    end)

    it("reports writing into a missing directory as enoent", function()
      local ok, err, code = fs.write(dir .. "/no/such/dir/file", "x")
      assert.is_nil(ok)
      assert.is_string(err)
      assert.are.equal("enoent", code)
    end)

    it("reports a permission problem as eacces (when not root)", function()
      local res = assert(proc.run { "id", "-u" })
      if res.stdout:match("^0") then return end  -- root reads everything
      assert(fs.write(dir .. "/secret", "x"))
      assert(proc.run { "chmod", "000", dir .. "/secret" })
      local _, _, code = fs.read(dir .. "/secret")
      assert.are.equal("eacces", code)
    end)

    it("refuses a path with a NUL byte or an empty path", function()
      local v, _, code = fs.read(dir .. "/a.txt\0.png")
      assert.is_nil(v)
      assert.are.equal("einval", code)
      v, _, code = fs.read("")
      assert.is_nil(v)
      assert.are.equal("einval", code)
    end)

    it("raises on arguments of the wrong type", function()
      assert.has_error(function() fs.read(nil) end)
      assert.has_error(function() fs.write(dir .. "/x", nil) end)
    end)
  end)

  describe("list", function()
    it("returns the names sorted, without . and ..", function()
      local sub = dir .. "/list"
      assert(fs.mkdir(sub))
      for _, name in ipairs { "rose", "Tulip", "lily", "a b", "10", "9" } do
        assert(fs.write(sub .. "/" .. name, name))
      end
      assert(fs.mkdir(sub .. "/zdir"))
      assert.are.same({ "10", "9", "Tulip", "a b", "lily", "rose", "zdir" }, fs.list(sub))
    end)

    it("returns an empty table for an empty directory", function()
      assert(fs.mkdir(dir .. "/void"))
      assert.are.same({}, fs.list(dir .. "/void"))
    end)

    it("reports a missing directory and a file", function()
      local v, _, code = fs.list(dir .. "/missing")
      assert.is_nil(v)
      assert.are.equal("enoent", code)
      v, _, code = fs.list(dir .. "/a.txt")
      assert.is_nil(v)
      assert.are.equal("enotdir", code)
    end)
  end)

  describe("stat", function()
    it("describes a file", function()
      assert(fs.write(dir .. "/s", "12345"))
      local st = assert(fs.stat(dir .. "/s"))
      assert.are.equal(5, st.size)
      assert.are.equal("file", st.type)
      assert.is_true(math.abs(st.mtime - timer.now()) < 60)
      assert.is_true(math.type(st.mtime) == "float")
      assert.is_number(st.mode)
    end)

    it("describes a directory and a character device", function()
      assert.are.equal("dir", assert(fs.stat(dir)).type)
      assert.are.equal("char", assert(fs.stat("/dev/null")).type)
    end)

    it("sees the mtime move when a file is rewritten", function()
      local path = dir .. "/m"
      assert(fs.write(path, "1"))
      local before = assert(fs.stat(path)).mtime
      timer.sleep(0.02)
      assert(fs.write(path, "2"))
      assert.is_true(assert(fs.stat(path)).mtime > before)
    end)

    it("reports a missing path", function()
      local v, _, code = fs.stat(dir .. "/missing")
      assert.is_nil(v)
      assert.are.equal("enoent", code)
    end)
  end)

  describe("mkdir and remove", function()
    it("creates and removes a directory, and a file", function()
      local d = dir .. "/made"
      assert.is_true(fs.mkdir(d))
      local ok, _, code = fs.mkdir(d)
      assert.is_nil(ok)
      assert.are.equal("eexist", code)
      assert(fs.write(d .. "/f", "x"))
      ok, _, code = fs.remove(d)
      assert.is_nil(ok)
      assert.are.equal("enotempty", code)
      assert.is_true(fs.remove(d .. "/f"))
      assert.is_true(fs.remove(d))
      assert.are.equal("enoent", select(3, fs.stat(d)))
    end)
  end)

  describe("concurrency", function()
    it("serves many tasks at once without blocking them", function()
      local n, done = 50, 0
      for i = 1, n do
        timer.after(0, function()
          assert(fs.write(dir .. "/c" .. i, tostring(i)))
          assert(fs.read(dir .. "/c" .. i) == tostring(i))
          done = done + 1
        end)
      end
      local deadline = timer.monotonic() + 10
      while done < n and timer.monotonic() < deadline do timer.sleep(0.01) end
      assert.are.equal(n, done)
    end)
  end)

  describe("outside a task", function()
    it("raises instead of blocking", function()
      local co = coroutine.wrap(function() return fs.read(dir .. "/a.txt") end)
      assert.has_error(co)
    end)
  end)
end)
