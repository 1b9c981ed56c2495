-- spec/json_spec.lua — the engine's json module beyond lua-cjson: whole
-- numbers decode as integers, bad input is nil, err, and json.items cuts an
-- array member into its elements' text.
local json = require "json"

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
