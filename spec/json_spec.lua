-- spec/json_spec.lua — the engine's json module: its own decoder
-- (engine/json_decode.c) agrees with lua-cjson's on valid JSON and refuses
-- what is not JSON; whole numbers decode as integers, bad input is nil,
-- err, and json.items cuts an array member into its elements' text.
local json = require "json"
local cjson = require "cjson"

-- Equal as decoded JSON: numbers by value (cjson's are all floats).
local function same_json(a, b, path)
  path = path or "$"
  if type(a) == "number" and type(b) == "number" then
    assert.is_true(a == b, path .. ": " .. tostring(a) .. " ~= " .. tostring(b))
    return
  end
  assert.equal(type(a), type(b), path)
  if type(a) ~= "table" then
    assert.equal(a, b, path)
    return
  end
  for k, v in pairs(a) do same_json(v, b[k], path .. "." .. tostring(k)) end
  for k in pairs(b) do assert.is_not_nil(a[k], path .. "." .. tostring(k) .. " only in cjson's") end
end

describe("json", function()
  describe("decode", function()
    it("gives whole numbers as integers, at any depth, and keeps fractions", function()
      local v = assert(json.decode('{"id":5001,"list":[1,2.5,-3,1e3],"deep":{"a":[{"b":7}]},"big":9007199254740993}'))
      assert.equal("integer", math.type(v.id))
      assert.equal("5001", tostring(v.id))
      assert.equal("integer", math.type(v.list[1]))
      assert.equal("float", math.type(v.list[2]))
      assert.equal(-3, v.list[3])
      assert.equal("integer", math.type(v.list[4]))
      assert.equal(1000, v.list[4])
      assert.equal("integer", math.type(v.deep.a[1].b))
      assert.equal("integer", math.type(v.big))
      assert.equal("integer", math.type(json.decode("42")))
      assert.equal("float", math.type(json.decode("0.5")))
    end)

    it("answers nil and a message for bad JSON", function()
      local v, err = json.decode('{"a":')
      assert.is_nil(v)
      assert.truthy(err)
    end)

    it("decodes valid JSON as lua-cjson does", function()
      local long = {}
      for i = 1, 700 do long[i] = i % 3 == 0 and ('"s' .. i .. '"') or tostring(i * 1.5) end
      local wide = {}
      for i = 1, 600 do wide[i] = ('"k%d":%d'):format(i, i) end
      local texts = {
        '{}', '[]', '""', '0', '-0', '-12', '3.25', '-1.5e-3', '2E+2', 'true', 'false', 'null',
        '  [ 1 , [ ] , { } , "x" ]  ',
        '{"a":"q\\"uote","b":"back\\\\slash","c":"\\/\\b\\f\\n\\r\\t"}',
        '{"u":"\\u0041\\u00e9\\u0439\\u20ac\\ud83c\\udf39","k\\u0065y":1}',
        '{"ru":"Букет роз","uz":"Oʻzbekcha","emoji":"🌹"}',
        '{"dup":1,"dup":2}',
        '[' .. table.concat(long, ",") .. ']',
        '{' .. table.concat(wide, ",") .. '}',
        '{"n":[null,{"a":null}],"big":123456789012345678901234567890,"f":1.7976931348623157e308}',
        string.rep("[", 900) .. string.rep("]", 900),
      }
      for _, t in ipairs(texts) do
        local mine, err = json.decode(t)
        assert.is_nil(err, t:sub(1, 60))
        same_json(mine, cjson.decode(t), t:sub(1, 40))
      end
      assert.equal(json.null, json.decode("[null]")[1])
      assert.equal(2, json.decode('{"dup":1,"dup":2}').dup)
      assert.equal(700, #json.decode(texts[18]))
      assert.equal("integer", math.type(json.decode(texts[19]).k600))
      assert.equal("Aéй€🌹", json.decode(texts[15]).u)
      assert.equal(1, json.decode(texts[15]).key)
    end)

    it("refuses what is not JSON, saying where", function()
      local bad = { "", "   ", "[1,]", "{\"a\":1,}", "[1 2]", '{"a" 1}', "{a:1}", "01", "1.", ".5", "-",
                    "+1", "0x10", "NaN", "Infinity", "tru", "nul", '"abc', '"\\x"', '"\\u12"',
                    '"\\ud83c"', '"\\udf39"', '"\\ud83c\\u0041"', "[1] 2", "{} {}", "'a'",
                    string.rep("[", 1002) .. string.rep("]", 1002) }
      for _, t in ipairs(bad) do
        local v, err = json.decode(t)
        assert.is_nil(v, t:sub(1, 40))
        assert.truthy(err:find("at character %d+"), t:sub(1, 40) .. ": " .. tostring(err))
      end
      local v, err = json.decode(nil)
      assert.is_nil(v)
      assert.truthy(err:find("expected JSON text", 1, true))
    end)
  end)

  describe("decode with a member left out", function()
    it("drops that member at any depth and keeps everything else, strings naming it included", function()
      local text = '{ "id" : 5, "reply_markup": {"inline_keyboard": [[{"text":"a","callback_data":"c:1"}]]},'
        .. ' "message": {"text": "say \\"reply_markup\\"", "reply_markup": [1, 2], "chat": {"id": 7}},'
        .. ' "list": [{"reply_markup": null, "b": 1.5}, [], {}], "last": true }'
      local full = json.decode(text)
      local got = assert(json.decode(text, "reply_markup"))
      full.reply_markup, full.message.reply_markup, full.list[1].reply_markup = nil, nil, nil
      assert.same(full, got)
      assert.equal("integer", math.type(got.message.chat.id))
      assert.equal('say "reply_markup"', got.message.text)
    end)

    it("decodes as usual when the member is absent, and refuses bad JSON the same way", function()
      assert.same({ a = 1 }, json.decode('{"a":1}', "reply_markup"))
      assert.same({}, json.decode('{"reply_markup":{"x":[1]}}', "reply_markup"))
      for _, bad in ipairs { '{"a":1,"reply_markup":', '{"reply_markup":1,}', '{"reply_markup":1} x' } do
        local v, err = json.decode(bad, "reply_markup")
        assert.is_nil(v, bad)
        assert.is_string(err)
      end
    end)
  end)

  describe("items", function()
    it("cuts an array member into its elements, as text", function()
      local text = '{"ok":true,"result":[{"update_id":5,"message":{"text":"a]\\"}b","x":[1,{"y":null}]}}, 7 ,"s",[],{}]}'
      local items = assert(json.items(text, "result"))
      assert.same({ '{"update_id":5,"message":{"text":"a]\\"}b","x":[1,{"y":null}]}}', "7", '"s"', "[]", "{}" }, items)
      assert.equal("a]\"}b", json.decode(items[1]).message.text)
      assert.same({}, json.items('{"result":[]}', "result"))
      assert.same({ "true" }, json.items('{"x":"result","y":{"result":[0]}, "result" : [ true ] }', "result"))
    end)

    it("says what is wrong instead of raising", function()
      local cases = {
        { '{"a":1}', "no member" },
        { '{"result":{}}', "not an array" },
        { '{"result":[1,2', "malformed" },
        { '[1]', "malformed" },
        { '{"result":[1,,2]}', "malformed" },
        { '', "malformed" },
      }
      for _, c in ipairs(cases) do
        local v, err = json.items(c[1], "result")
        assert.is_nil(v, c[1])
        assert.truthy(err:find(c[2], 1, true), c[1] .. ": " .. tostring(err))
      end
    end)
  end)
end)
