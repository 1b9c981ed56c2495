-- devkit/seed/stems.lua — single stems (kind "stem"): what the shop buys in
-- and what bouquets are made of. Based on ../shared/specs/domain.md §4.1.
--
-- Fields (the same in compositions.lua and extras.lua):
--   code        stable id (S01...), the upsert key and the photo's name
--   category    a code from categories.lua
--   price       normal-day retail price in so'm (the seed stores tiyin)
--   colours     colour keys (see paint.lua's palette); stored joined by ","
--   occasions   occasion tags from domain.md §4
--   tags        other labels: premium, budget, filler, season_jan_apr, ...
--   filler      greenery: not counted for the odd/even rule (R-B3)
--   stock       units on hand at first seed; threshold: alert below (R-I7)
--   look        how paint.lua draws the photo
return {
  {
    code = "S01", category = "roses", price = 15000, colours = { "red" },
    name_ru = "Роза красная 50 см", name_uz = "Qizil atirgul, 50 sm",
    description_ru = "Классическая красная роза на стебле 50 см. Стоит в вазе 5–7 дней.",
    description_uz = "Klassik qizil atirgul, poyasi 50 sm. Guldonda 5–7 kun turadi.",
    occasions = { "love", "birthday", "march8", "feb14", "anniversary" }, tags = { "classic" },
    stock = 300, threshold = 50, look = { flower = "rose" },
  },
  {
    code = "S02", category = "roses", price = 15000, colours = { "white" },
    name_ru = "Роза белая 50 см", name_uz = "Oq atirgul, 50 sm",
    description_ru = "Белая роза на стебле 50 см — для свадьбы, извинения и тихих слов.",
    description_uz = "Oq atirgul, poyasi 50 sm — toʻy, uzr soʻrash va samimiy soʻzlar uchun.",
    occasions = { "wedding", "apology", "sympathy" }, tags = { "classic" },
    stock = 150, threshold = 30, look = { flower = "rose" },
  },
  {
    code = "S03", category = "roses", price = 30000, colours = { "pink" },
    name_ru = "Роза розовая 60 см (Эквадор)", name_uz = "Pushti atirgul, 60 sm (Ekvador)",
    description_ru = "Крупный бутон эквадорской розы на длинном стебле 60 см.",
    description_uz = "Ekvador atirgulining yirik gʻunchasi, uzun poyasi 60 sm.",
    occasions = { "march8", "love" }, tags = { "premium" },
    stock = 80, threshold = 20, look = { flower = "rose" },
  },
  {
    code = "S04", category = "roses", price = 20000, colours = { "pink" },
    name_ru = "Роза кустовая (ветка)", name_uz = "Buta atirgul (shox)",
    description_ru = "Ветка кустовой розы с пятью-семью маленькими бутонами. Нежная и пышная.",
    description_uz = "Beshta-yettita mayda gʻunchali buta atirgul shoxi. Nafis va hajmli.",
    occasions = { "mother", "birthday" }, tags = { "tender" },
    stock = 60, threshold = 15, look = { flower = "spray_rose" },
  },
  {
    code = "S05", category = "roses", price = 35000, colours = { "peach" },
    name_ru = "Роза пионовидная", name_uz = "Pionsimon atirgul",
    description_ru = "Пионовидная роза персикового цвета с плотным многослойным бутоном.",
    description_uz = "Shaftoli rangli pionsimon atirgul, gʻunchasi zich va koʻp qavatli.",
    occasions = { "wedding" }, tags = { "premium" },
    stock = 40, threshold = 10, look = { flower = "peony" },
  },
  {
    code = "S06", category = "tulips", price = 12000, colours = { "red", "yellow", "pink", "white" },
    name_ru = "Тюльпан", name_uz = "Lola",
    description_ru = "Тюльпан на выбор: красный, жёлтый, розовый или белый. Сезон — с января по апрель.",
    description_uz = "Tanlovingiz boʻyicha lola: qizil, sariq, pushti yoki oq. Mavsumi — yanvardan aprelgacha.",
    occasions = { "march8", "navruz" }, tags = { "season_jan_apr" },
    stock = 200, threshold = 40, look = { flower = "tulip" },
  },
  {
    code = "S07", category = "chrysanthemums", price = 20000, colours = { "white", "yellow" },
    name_ru = "Хризантема кустовая (ветка)", name_uz = "Buta xrizantema (shox)",
    description_ru = "Ветка кустовой хризантемы. Стоит 10–14 дней — любимый цветок ко Дню учителя.",
    description_uz = "Buta xrizantema shoxi. 10–14 kun turadi — Ustozlar kunining sevimli guli.",
    occasions = { "teachers_day", "first_school_day", "corporate" }, tags = { "long_lasting" },
    stock = 60, threshold = 15, look = { flower = "chrysanthemum" },
  },
  {
    code = "S08", category = "carnations", price = 9000, colours = { "red", "pink" },
    name_ru = "Гвоздика", name_uz = "Chinnigul",
    description_ru = "Гвоздика стоит больше двух недель. Недорогой и благодарный цветок.",
    description_uz = "Chinnigul ikki haftadan koʻproq turadi. Arzon va chidamli gul.",
    occasions = { "teachers_day", "thanks" }, tags = { "budget", "long_lasting" },
    stock = 150, threshold = 30, look = { flower = "carnation" },
  },
  {
    code = "S09", category = "eustoma", price = 25000, colours = { "white", "lilac" },
    name_ru = "Эустома (ветка)", name_uz = "Eustoma (shox)",
    description_ru = "Ветка эустомы с несколькими цветками, похожими на розу. Нежная классика свадебных букетов.",
    description_uz = "Atirgulga oʻxshash bir nechta gulli eustoma shoxi. Toʻy guldastalarining nafis klassikasi.",
    occasions = { "wedding", "mother" }, tags = { "tender" },
    stock = 60, threshold = 15, look = { flower = "eustoma" },
  },
  {
    code = "S10", category = "gerberas", price = 12000, colours = { "orange", "yellow" },
    name_ru = "Гербера", name_uz = "Gerbera",
    description_ru = "Яркая гербера, как солнце на стебле. Дети её обожают.",
    description_uz = "Poyadagi quyoshdek yorqin gerbera. Bolalar uni juda yaxshi koʻradi.",
    occasions = { "birthday", "teachers_day" }, tags = { "kids", "bright" },
    stock = 80, threshold = 20, look = { flower = "gerbera" },
  },
  {
    code = "S11", category = "alstroemerias", price = 15000, colours = { "pink", "orange" },
    name_ru = "Альстромерия (ветка)", name_uz = "Alstromeriya (shox)",
    description_ru = "Ветка альстромерии с пятью-шестью цветками в крапинку. Стоит до двух недель.",
    description_uz = "Besh-olti xolli gulga ega alstromeriya shoxi. Ikki haftagacha turadi.",
    occasions = { "birthday", "just_because" }, tags = { "long_lasting" },
    stock = 60, threshold = 15, look = { flower = "alstroemeria" },
  },
  {
    code = "S12", category = "lilies", price = 35000, colours = { "white" },
    name_ru = "Лилия (ветка)", name_uz = "Liliya (shox)",
    description_ru = "Белая лилия с сильным ароматом. Для больницы лучше выбрать другой цветок.",
    description_uz = "Kuchli xushboʻy oq liliya. Kasalxonaga boshqa gul tanlagan maʼqul.",
    occasions = { "wedding", "sympathy" }, tags = { "strong_scent" },
    stock = 30, threshold = 8, look = { flower = "lily" },
  },
  {
    code = "S13", category = "hydrangeas", price = 60000, colours = { "blue", "white" },
    name_ru = "Гортензия", name_uz = "Gortenziya",
    description_ru = "Пышная шапка гортензии — одна заменяет полбукета.",
    description_uz = "Gortenziyaning hajmli toji — bittasi yarim guldastaga teng.",
    occasions = { "wedding" }, tags = { "premium" },
    stock = 15, threshold = 4, look = { flower = "hydrangea" },
  },
  {
    code = "S14", category = "peonies", price = 45000, colours = { "pink" },
    name_ru = "Пион", name_uz = "Pion",
    description_ru = "Ароматный розовый пион. Сезон — май и июнь.",
    description_uz = "Xushboʻy pushti pion. Mavsumi — may va iyun.",
    occasions = { "graduation", "wedding" }, tags = { "season_may_jun" },
    stock = 10, threshold = 3, look = { flower = "peony" },
  },
  {
    code = "S15", category = "greenery", price = 25000, colours = { "white" }, filler = true,
    name_ru = "Гипсофила (ветка)", name_uz = "Gipsofila (shox)",
    description_ru = "Облако мелких белых цветов: воздушный наполнитель для любого букета.",
    description_uz = "Mayda oq gullar buluti: har qanday guldasta uchun yengil toʻldiruvchi.",
    occasions = {}, tags = { "filler" },
    stock = 40, threshold = 10, look = { flower = "gypsophila" },
  },
  {
    code = "S16", category = "greenery", price = 15000, colours = { "green" }, filler = true,
    name_ru = "Эвкалипт (ветка)", name_uz = "Evkalipt (shox)",
    description_ru = "Ветка эвкалипта с серебристыми круглыми листьями и свежим запахом.",
    description_uz = "Kumushrang dumaloq bargli, yoqimli hidli evkalipt shoxi.",
    occasions = {}, tags = { "greenery" },
    stock = 50, threshold = 10, look = { flower = "eucalyptus" },
  },
}
