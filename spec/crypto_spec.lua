-- spec/crypto_spec.lua — the crypto binding against published known answers:
-- FIPS 180 (SHA-1, SHA-256), RFC 1321 (MD5), RFC 4231 (HMAC-SHA256) and
-- RFC 4648 (base64).
local crypto = require "crypto"

local hex, unhex = crypto.hex, crypto.unhex

describe("crypto", function()
  describe("sha256 (FIPS 180-4 examples)", function()
    it("hashes the empty string", function()
      assert.are.equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        hex(crypto.sha256("")))
    end)
    it("hashes 'abc'", function()
      assert.are.equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        hex(crypto.sha256("abc")))
    end)
    it("hashes the two-block message", function()
      assert.are.equal("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        hex(crypto.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))
    end)
    it("hashes one million 'a'", function()
      assert.are.equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
        hex(crypto.sha256(("a"):rep(1000000))))
    end)
    it("returns 32 raw bytes", function()
      assert.are.equal(32, #crypto.sha256("x"))
    end)
    it("hashes bytes, NULs included", function()
      assert.are_not.equal(crypto.sha256("a\0b"), crypto.sha256("a"))
    end)
  end)

  describe("sha1 (FIPS 180 examples)", function()
    it("hashes the empty string", function()
      assert.are.equal("da39a3ee5e6b4b0d3255bfef95601890afd80709", hex(crypto.sha1("")))
    end)
    it("hashes 'abc'", function()
      assert.are.equal("a9993e364706816aba3e25717850c26c9cd0d89d", hex(crypto.sha1("abc")))
    end)
    it("hashes the two-block message", function()
      assert.are.equal("84983e441c3bd26ebaae4aa1f95129e5e54670f1",
        hex(crypto.sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))
    end)
    it("hashes one million 'a'", function()
      assert.are.equal("34aa973cd4c4daa4f61eeb2bdbad27316534016f", hex(crypto.sha1(("a"):rep(1000000))))
    end)
  end)

  describe("md5 (RFC 1321 test suite)", function()
    local suite = {
      { "", "d41d8cd98f00b204e9800998ecf8427e" },
      { "a", "0cc175b9c0f1b6a831c399e269772661" },
      { "abc", "900150983cd24fb0d6963f7d28e17f72" },
      { "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
      { "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
      { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "d174ab98d277d9f5a5611c2c9f419d9f" },
      { ("1234567890"):rep(8), "57edf4a22be3c955ac49da2e2107b67a" },
    }
    for _, case in ipairs(suite) do
      it("hashes " .. string.format("%q", case[1]:sub(1, 20)), function()
        assert.are.equal(case[2], hex(crypto.md5(case[1])))
      end)
    end
  end)

  describe("hmac_sha256 (RFC 4231)", function()
    local long_key = ("\170"):rep(131)
    local cases = {
      { "1", ("\11"):rep(20), "Hi There",
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
      { "2: a key shorter than the output", "Jefe", "what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
      { "3", ("\170"):rep(20), ("\221"):rep(50),
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
      { "4", unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), ("\205"):rep(50),
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
      { "6: a key larger than the block", long_key,
        "Test Using Larger Than Block-Size Key - Hash Key First",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
      { "7: key and data larger than the block", long_key,
        "This is a test using a larger than block-size key and a larger than block-size data."
          .. " The key needs to be hashed before being used by the HMAC algorithm.",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
    }
    for _, case in ipairs(cases) do
      it("passes test case " .. case[1], function()
        assert.are.equal(case[4], hex(crypto.hmac_sha256(case[2], case[3])))
      end)
    end
    it("passes test case 5 (truncated to 128 bits)", function()
      local mac = crypto.hmac_sha256(("\12"):rep(20), "Test With Truncation")
      assert.are.equal("a3b6167473100ee06e0c796c2955552b", hex(mac:sub(1, 16)))
    end)
    it("checks Telegram Mini App init data the documented way", function()
      -- secret = HMAC_SHA256("WebAppData", bot_token); hash = HMAC_SHA256(secret, data)
      local secret = crypto.hmac_sha256("WebAppData", "123456:ABC")
      assert.are.equal(32, #secret)
      assert.are.equal(64, #hex(crypto.hmac_sha256(secret, "auth_date=1\nuser={}")))
    end)
  end)

  describe("hex", function()
    it("encodes lowercase and round-trips every byte", function()
      local all = {}
      for i = 0, 255 do all[#all + 1] = string.char(i) end
      all = table.concat(all)
      assert.are.equal("00ff7f", hex("\0\255\127"))
      assert.are.equal(all, unhex(hex(all)))
      assert.are.equal("", hex(""))
    end)
    it("decodes either case", function()
      assert.are.equal("\171\205", unhex("AbCd"))
    end)
    it("refuses odd length and non-hex digits", function()
      local v, err, code = unhex("abc")
      assert.is_nil(v)
      assert.is_string(err)
      assert.are.equal("invalid", code)
      v, _, code = unhex("zz")
      assert.is_nil(v)
      assert.are.equal("invalid", code)
    end)
  end)

  describe("base64 (RFC 4648 section 10)", function()
    local vectors = {
      { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
      { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
    }
    for _, v in ipairs(vectors) do
      it("encodes and decodes " .. string.format("%q", v[1]), function()
        assert.are.equal(v[2], crypto.base64_encode(v[1]))
        assert.are.equal(v[1], crypto.base64_decode(v[2]))
      end)
    end
    it("uses the standard alphabet (+ and /)", function()
      assert.are.equal("+/+/", crypto.base64_encode("\251\255\191"))
      assert.are.equal("\251\255\191", crypto.base64_decode("+/+/"))
    end)
    it("accepts missing padding", function()
      assert.are.equal("f", crypto.base64_decode("Zg"))
      assert.are.equal("fo", crypto.base64_decode("Zm8"))
      assert.are.equal("fooba", crypto.base64_decode("Zm9vYmE"))
    end)
    it("round-trips random binary data", function()
      for n = 0, 64 do
        local s = crypto.random_bytes(n)
        assert.are.equal(s, crypto.base64_decode(crypto.base64_encode(s)))
      end
    end)
    it("refuses what is not base64", function()
      for _, bad in ipairs { "Zg=", "Z===", "Zm9v!", "Zm 9v", "Zm9vY", "=Zm9", "Zg==Zg==", "-_8=" } do
        local v, err, code = crypto.base64_decode(bad)
        assert.is_nil(v, bad)
        assert.is_string(err)
        assert.are.equal("invalid", code)
      end
    end)
    it("decodes the Basic auth header Payme sends", function()
      assert.are.equal("Paycom:secret", crypto.base64_decode(crypto.base64_encode("Paycom:secret")))
    end)
  end)

  describe("random_bytes", function()
    it("returns as many bytes as asked", function()
      assert.are.equal(0, #crypto.random_bytes(0))
      assert.are.equal(16, #crypto.random_bytes(16))
      assert.are.equal(100000, #crypto.random_bytes(100000))
    end)
    it("does not repeat itself", function()
      assert.are_not.equal(crypto.random_bytes(16), crypto.random_bytes(16))
    end)
    it("raises on a negative or absurd size", function()
      assert.has_error(function() crypto.random_bytes(-1) end)
      assert.has_error(function() crypto.random_bytes(1 << 40) end)
    end)
  end)

  describe("equals", function()
    it("compares content", function()
      assert.is_true(crypto.equals("", ""))
      assert.is_true(crypto.equals("secret", "secret"))
      assert.is_false(crypto.equals("secret", "secreT"))
      assert.is_false(crypto.equals("Secret", "secret"))
    end)
    it("is false for different lengths, prefixes included", function()
      assert.is_false(crypto.equals("secret", "secret2"))
      assert.is_false(crypto.equals("secret", ""))
      assert.is_false(crypto.equals("", "x"))
    end)
    it("compares bytes, NULs included", function()
      assert.is_true(crypto.equals("a\0b", "a\0b"))
      assert.is_false(crypto.equals("a\0b", "a\0c"))
    end)
    it("raises on non-strings", function()
      assert.has_error(function() crypto.equals(nil, "x") end)
    end)
  end)
end)
