-- devkit/seed/categories.lua — the demo shop's catalog tree.
--
-- Four top-level categories with their subcategories, in the order the
-- customer sees them (`sort`). `code` is the stable name the seed upserts on
-- and products point at; `parent` is another entry's code. A top-level
-- category is listed before its children.
return {
  { code = "flowers", name_ru = "Цветы поштучно", name_uz = "Donalab gullar", sort = 10 },
  { code = "roses", parent = "flowers", name_ru = "Розы", name_uz = "Atirgullar", sort = 10 },
  { code = "tulips", parent = "flowers", name_ru = "Тюльпаны", name_uz = "Lolalar", sort = 20 },
  { code = "chrysanthemums", parent = "flowers", name_ru = "Хризантемы", name_uz = "Xrizantemalar", sort = 30 },
  { code = "carnations", parent = "flowers", name_ru = "Гвоздики", name_uz = "Chinnigullar", sort = 40 },
  { code = "eustoma", parent = "flowers", name_ru = "Эустома", name_uz = "Eustoma", sort = 50 },
  { code = "gerberas", parent = "flowers", name_ru = "Герберы", name_uz = "Gerberalar", sort = 60 },
  { code = "alstroemerias", parent = "flowers", name_ru = "Альстромерии", name_uz = "Alstromeriyalar", sort = 70 },
  { code = "lilies", parent = "flowers", name_ru = "Лилии", name_uz = "Liliyalar", sort = 80 },
  { code = "hydrangeas", parent = "flowers", name_ru = "Гортензии", name_uz = "Gortenziyalar", sort = 90 },
  { code = "peonies", parent = "flowers", name_ru = "Пионы", name_uz = "Pionlar", sort = 100 },
  { code = "greenery", parent = "flowers", name_ru = "Зелень и наполнители", name_uz = "Koʻkatlar", sort = 110 },

  { code = "bouquets", name_ru = "Букеты", name_uz = "Guldastalar", sort = 20 },
  { code = "rose_bouquets", parent = "bouquets", name_ru = "Из роз", name_uz = "Atirgul guldastalari", sort = 10 },
  { code = "mono_bouquets", parent = "bouquets", name_ru = "Монобукеты", name_uz = "Monoguldastalar", sort = 20 },
  { code = "mixed_bouquets", parent = "bouquets", name_ru = "Сборные", name_uz = "Aralash guldastalar", sort = 30 },
  { code = "wedding", parent = "bouquets", name_ru = "Свадебные", name_uz = "Toʻy guldastalari", sort = 40 },
  { code = "sympathy", parent = "bouquets", name_ru = "Траурные", name_uz = "Motam guldastalari", sort = 50 },

  { code = "compositions", name_ru = "Композиции", name_uz = "Kompozitsiyalar", sort = 30 },
  { code = "in_box", parent = "compositions", name_ru = "В коробке", name_uz = "Qutida", sort = 10 },
  { code = "in_basket", parent = "compositions", name_ru = "В корзине", name_uz = "Savatda", sort = 20 },
  { code = "potted", parent = "compositions", name_ru = "Растения в горшках", name_uz = "Tuvak gullari", sort = 30 },

  { code = "extras", name_ru = "Дополнения", name_uz = "Qoʻshimchalar", sort = 40 },
  { code = "wrapping", parent = "extras", name_ru = "Упаковка", name_uz = "Qadoqlash", sort = 10 },
  { code = "cards", parent = "extras", name_ru = "Открытки", name_uz = "Tabriknomalar", sort = 20 },
  { code = "decor", parent = "extras", name_ru = "Декор", name_uz = "Bezaklar", sort = 30 },
  { code = "balloons", parent = "extras", name_ru = "Шары", name_uz = "Sharlar", sort = 40 },
  { code = "toys", parent = "extras", name_ru = "Игрушки", name_uz = "Oʻyinchoqlar", sort = 50 },
  { code = "sweets", parent = "extras", name_ru = "Сладости", name_uz = "Shirinliklar", sort = 60 },
  { code = "vases", parent = "extras", name_ru = "Вазы", name_uz = "Guldonlar", sort = 70 },
}
