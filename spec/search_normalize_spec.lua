-- spec/search_normalize_spec.lua — one search key for every way of typing
-- a word (shop/normalize.lua), and the search over the catalog it serves.
local normalize = require "shop.normalize"
local catalog = require "shop.catalog"
local search = require "bot.search"
local pg = require "pg"
local crypto = require "crypto"

local key = normalize.key

describe("normalize.key", function()
  it("makes every Uzbek apostrophe the same (and none)", function()
    local want = key("gul doʻkon")
    assert.equal("gul dokon", want)
    for _, v in ipairs { "gul do'kon", "gul do‘kon", "gul do’kon", "gul do`kon", "gul doʼkon",
                         "GUL DOʻKON", "gul dokon" } do
      assert.equal(want, key(v), v)
    end
    assert.equal(key("Qoʻgʻirchoq"), key("qo'g'irchoq"))
    assert.equal(key("Qoʻgʻirchoq"), key("qo‘g’irchoq"))
    assert.equal(key("Qoʻgʻirchoq"), key("qo`g`irchoq"))
  end)

  it("reads Uzbek typed in Cyrillic as Latin", function()
    assert.equal(key("atirgul"), key("атиргул"))
    assert.equal(key("lola"), key("лола"))
    assert.equal(key("Qoʻgʻirchoq"), key("Қўғирчоқ"))
    assert.equal(key("Oʻzbekcha"), key("Ўзбекча"))
    assert.equal(key("shirinliklar"), key("ширинликлар"))
    assert.equal(key("choy"), key("чой"))
    assert.equal(key("hovuz"), key("ҳовуз"))
    assert.equal(key("yoʻl"), key("йўл"))
    assert.equal(key("yulduz"), key("юлдуз"))
    assert.equal(key("yaxshi"), key("яхши"))
    assert.equal(key("xrizantema"), key("хризантема"))
    assert.equal(key("yer"), key("ер"))          -- е at a word's start is "ye"
    assert.equal(key("sher"), key("шер"))        -- and "e" after a consonant
    assert.equal(key("Kompozitsiyalar"), key("Композициялар"))
  end)

  it("folds case of Latin and Cyrillic, Uzbek letters included", function()
    assert.equal("roza krasnaya", key("РОЗА Красная"))
    assert.equal(key("ўғқҳ"), key("ЎҒҚҲ"))
    assert.equal(key("ёлка"), key("ЁЛКА"))
  end)

  it("keeps letters and digits, drops the rest", function()
    assert.equal("15 ta qizil atirgul guldastasi", key("“15 ta qizil atirgul” guldastasi!"))
    assert.equal("buket 51 roza", key("  Букет «51 роза»  "))
    assert.equal("", key("  ...  🌹 "))
    assert.equal("", key(""))
    assert.equal("", key(nil))
  end)

  it("survives text that is not UTF-8", function()
    assert.equal("ab c", key("ab\255\254c"))
  end)
end)

describe("search over the catalog", function()
  local tag = tostring(100000 + crypto.random_bytes(2):byte(1) * 256 + crypto.random_bytes(1):byte(1))
  local ids = {}

  setup(function()
    local cat = assert(pg.query([[INSERT INTO categories (code, name_ru, name_uz)
                                  VALUES ($1, $2, $3) RETURNING id]],
      "spec-norm-" .. tag, "Спек " .. tag, "Spek " .. tag))[1].id
    local function product(code, ru, uz, price)
      local id = assert(pg.query([[INSERT INTO products (code, category_id, kind, name_ru, name_uz, price)
                                   VALUES ($1, $2, 'composition', $3, $4, $5) RETURNING id]],
        "spec-norm-" .. tag .. "-" .. code, cat, ru, uz, price))[1].id
      ids[code] = id
    end
    product("doll", "Кукла из цветов " .. tag, "Qoʻgʻirchoq guldasta " .. tag, 10000000)
    product("rose", "Роза красная " .. tag, "Qizil atirgul " .. tag, 1500000)
    product("tulip", "Тюльпаны " .. tag, "Lolalar " .. tag, 22000000)
    catalog.invalidate()
  end)

  teardown(function()
    pg.query("DELETE FROM products WHERE code LIKE $1", "spec-norm-" .. tag .. "%")
    pg.query("DELETE FROM categories WHERE code = $1", "spec-norm-" .. tag)
    catalog.invalidate()
  end)

  local function found(query)
    local set = {}
    for _, p in ipairs(catalog.search(search.key(query))) do set[p.id] = true end
    return set
  end

  it("finds the doll with every apostrophe and in Cyrillic", function()
    for _, q in ipairs { "qoʻgʻirchoq", "qo'g'irchoq", "qo‘g‘irchoq", "qo’g’irchoq", "qo`g`irchoq",
                         "QOGIRCHOQ", "қўғирчоқ", "Қўғирчоқ гулдаста", "кукла" } do
      local set = found(q .. " " .. tag)
      assert(set[ids.doll], q .. " did not find the doll")
      assert(not set[ids.rose] and not set[ids.tulip], q .. " found too much")
    end
  end)

  it("matches the start of words, in either language's name", function()
    assert.is_true(found("atir " .. tag)[ids.rose])
    assert.is_true(found("роз " .. tag)[ids.rose])
    assert.is_true(found("розы " .. tag)[ids.rose])       -- a light stem
    assert.is_true(found("лола " .. tag)[ids.tulip])
    assert.is_nil(found("gul " .. tag)[ids.rose])         -- "atirgul" does not start with "gul"
  end)

  it("finds across languages through rules' synonyms", function()
    assert.is_true(found("роза " .. tag)[ids.rose])
    assert.is_true(found("atirgul " .. tag)[ids.rose])
    assert.is_true(found("тюльпан " .. tag)[ids.tulip])   -- the uz name says lola
  end)

  it("finds nothing for words no product has", function()
    assert.same({}, catalog.search(search.key("баобаб " .. tag)))
    assert.same({}, catalog.search(""))
  end)

  it("fits any query into callback data", function()
    local k = search.key(string.rep("очень длинный запрос ", 20))
    assert.is_true(#("q:99999:" .. k) <= 64)
    assert.is_nil(k:find(" $"))
  end)
end)
