-- templates/ru/upload.lua — section `upload`: a CSV file (the catalog or a
-- stock count) sent to the bot by the owner or a manager, its dry run and
-- its application. Keys must match templates/uz/upload.lua.
return {
  role = "Файлы CSV (каталог, пересчёт склада) принимаю только от владельца и менеджера.",
  too_big = "Файл больше {max} КБ. Разделите его на части и пришлите по одной.",
  fetch_failed = "Не получилось получить файл от Telegram. Пришлите его ещё раз.",
  unreadable = "Файл не читается как CSV. Ничего не изменено.",
  unreadable_line = "Файл не читается как CSV: ошибка в кавычках в строке {line}. Ничего не изменено.",
  unknown_header = "Не понимаю, что это за файл. Первая строка должна называть столбцы: для каталога — code, name_ru, name_uz, price_som…; для пересчёта склада — code и on_hand.",
  summary = {
    catalog = "📄 Каталог «{file}»: изменится — {changed}, без изменений — {unchanged}, отклонено — {refused}.",
    stock = "📦 Пересчёт склада «{file}»: изменится — {changed}, без изменений — {unchanged}, отклонено — {refused}.",
  },
  line = {
    refused = "❌ строка {line}, {code}: {reason}",
    stock = "строка {line}, {code}: {before} → {after}",
    catalog = "строка {line}, {code}: {fields}",
    new = "строка {line}, {code}: новый товар",
  },
  more = "…и ещё строк: {count}",
  blocked = "Пока в файле есть отклонённые строки, ничего не применяется. Исправьте их и пришлите файл снова.",
  nothing = "Менять нечего.",
  confirm = "Применить всё разом?",
  button = {
    apply = "✅ Применить",
    cancel = "✖️ Отмена",
  },
  applied = "✅ Применено, изменено строк: {changed}.",
  moved = "Ничего не применено: пока файл ждал, данные изменились. Пришлите его снова.",
  error = "Не получилось записать. Ничего не изменено; попробуйте ещё раз чуть позже.",
  expired = "Этот файл уже не ждёт применения. Пришлите его снова.",
  cancelled = "Хорошо, ничего не изменено.",
  reason = {
    stock = {
      unknown_code = "нет товара с таким кодом",
      not_whole = "нужно целое число",
      below_zero = "меньше нуля",
      below_reserved = "меньше, чем уже в корзинах и заказах ({reserved})",
      duplicate = "код повторяется (впервые в строке {first})",
    },
    catalog = {
      no_code = "нет кода",
      code_word = "код — одно слово, без пробелов",
      duplicate = "код повторяется (впервые в строке {first})",
      missing = "нужно заполнить {field}",
      bad_kind = "kind — stem, composition или extra",
      bad_price = "price_som — целое число сумов",
      bad_flag = "{field} — 1 или 0",
      unknown_category = "нет категории с таким category_code",
      bad_mxik = "mxik_code — 17 цифр",
      bad_package = "package_code — только цифры",
    },
  },
}
