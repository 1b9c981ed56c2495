-- templates/ru/catalog_edit.lua — section `catalog_edit`: a product's card
-- for the owner and managers (/product CODE) and its editing
-- (bot/product_admin.lua). Keys must match templates/uz/catalog_edit.lua.
return {
  usage = "Напишите код товара: /product CODE",
  not_found = "Товара с кодом «{code}» нет.",
  card = "🛠 Товар {code}\nНазвание (ru): {name_ru}\nНазвание (uz): {name_uz}\nЦена: {price}\n"
      .. "Описание (ru): {description_ru}\nОписание (uz): {description_uz}\nЦвет: {colour}\n"
      .. "Категория: {category}\nVIP: {vip}\nВ продаже: {active}\nИКПУ (MXIK): {mxik_code}\nКод упаковки: {package_code}",
  empty = "—",
  yes = "да",
  no = "нет",
  field = {
    price_som = "💰 Цена",
    name_ru = "Название (ru)",
    name_uz = "Название (uz)",
    description_ru = "Описание (ru)",
    description_uz = "Описание (uz)",
    colour = "🎨 Цвет",
    mxik_code = "ИКПУ (MXIK)",
    package_code = "Код упаковки",
  },
  ask = {
    price_som = "Напишите новую цену в сумах, целым числом (например: 150000).",
    name_ru = "Напишите новое название на русском.",
    name_uz = "Напишите новое название на узбекском.",
    description_ru = "Напишите новое описание на русском. Точка «.» — убрать описание.",
    description_uz = "Напишите новое описание на узбекском. Точка «.» — убрать описание.",
    colour = "Напишите цвет кодами через запятую (например: red, white). Точка «.» — убрать цвет.",
    mxik_code = "Напишите ИКПУ (MXIK) — 17 цифр. Точка «.» — убрать.",
    package_code = "Напишите код упаковки — только цифры. Точка «.» — убрать.",
  },
  button = {
    vip_on = "⭐ Сделать VIP",
    vip_off = "☆ Убрать VIP",
    hide = "🙈 Скрыть из каталога",
    show = "👁 Вернуть в каталог",
    move = "📂 Перенести в другую категорию",
    back = "⬅️ К товару",
    stop = "✖️ Отмена",
  },
  category = "📂 {name}",
  pick_category = "В какую категорию перенести товар?",
  saved = "✅ Сохранено.",
  same = "Это значение уже стоит, ничего не изменено.",
  gone = "Этого товара больше нет.",
  refused = "Не сохранено: {reason}. Напишите ещё раз или нажмите «Отмена».",
  stopped = "Хорошо, ничего не изменено.",
}
