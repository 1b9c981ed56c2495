-- templates/ru.lua — every sentence the bot says in Russian.
-- Keys must match templates/uz.lua exactly (spec/templates_spec.lua checks).
-- Plural forms are tables {one, few, many}: 1 роза, 2 розы, 5 роз; the form
-- is chosen by {count}. {name} marks a value the bot fills in.
return {
  currency = "сум",
  error = {
    generic = "Извините, что-то пошло не так. Попробуйте ещё раз чуть позже.",
  },
  unit = {
    stem = { one = "стебель", few = "стебля", many = "стеблей" },
  },

  common = {
    price = "{amount} {currency}",
    ellipsis = "…",
    back = "⬅️ Назад",
    menu = "🏠 Меню",
    close = "✖️ Закрыть",
    prev = "◀️",
    next = "▶️",
    page = "{page} / {pages}",
    stale = "Эта кнопка больше не работает. Откройте меню: /menu",
    unknown_command = "Такой команды я не знаю.",
    not_text = "Я понимаю текст и кнопки.",
  },

  lang = {
    ask = "Выберите язык:",
    self = "🇷🇺 Русский",
    saved = "Готово! Теперь я говорю по-русски. Сменить язык можно в меню в любой момент.",
  },

  menu = {
    cart = "🛒 Корзина",
    constructor = "🌹 Собрать букет",
    orders = "📦 Мои заказы",
    title = "Чем помочь? Выберите в меню или просто напишите, что ищете — например, «розы».",
    checkout_open = "🧾 У вас есть неоформленный заказ — вернуться к нему можно кнопкой «Продолжить оформление».",
    continue_checkout = "🧾 Продолжить оформление",
    catalog = "💐 Каталог",
    search = "🔎 Поиск",
    filters = "🎛 Подбор по фильтрам",
    language = "🌐 Язык / Til",
    staff = "🧑‍💼 Для сотрудников",
  },

  help = {
    text = "Я бот цветочного магазина. В каталоге — букеты, цветы поштучно, композиции и подарки. "
        .. "Напишите название цветка, чтобы найти его, или подберите букет по цвету, поводу и цене.",
    owner = "Команды владельца:\n/grant <tg_id> <роль> — выдать роль\n/revoke <tg_id> <роль> — снять роль\n"
         .. "/roles <tg_id> — роли пользователя\n/roles — все сотрудники\n"
         .. "/cancel_order <номер> <причина> — отменить заказ\n"
         .. "/payments [ГГГГ-ММ-ДД] — платежи дня\n/payments_csv <с> <по> — CSV за период\n"
         .. "/sales [с [по]] — продажи по товарам",
    accountant = "Команды бухгалтера:\n/payments [ГГГГ-ММ-ДД] — платежи дня, возвраты, расхождения\n"
              .. "/payments_csv <с> <по> — CSV за период\n/sales [с [по]] — продажи по товарам\n"
              .. "/sales_csv [с [по]] — они же файлом CSV",
    manager = "Команды менеджера:\n/cancel_order <номер> <причина> — отменить заказ\n"
           .. "/sales [с [по]] — продажи по товарам",
    marketing = "Команды маркетолога:\n/post <код> — пост в канал\n/work <код> — пост с фото готовой работы\n"
             .. "/posts — посты, переходы и заказы\n/sales [с [по]] — продажи по товарам",
  },

  catalog = {
    title = "💐 Каталог. Выберите раздел:",
    category_title = "📂 {name}",
    category_button = "{name} ({count})",
    product_button = "{name} — {price}",
    empty = "В этом разделе пока ничего нет.",
    gone = "Этого раздела больше нет.",
  },

  card = {
    add = "🛒 В корзину",
    title = "💐 {name}",
    vip = "💎 VIP",
    description = "{text}",
    price = "Цена: {price}",
    colour = "Цвет: {colours}",
    occasions = "Повод: {occasions}",
    category = "📂 {name}",
    gone = "Этого товара больше нет в продаже.",
  },

  search = {
    prompt = "Напишите, что ищете: например, «розы», «lola» или «тюльпаны».",
    empty_query = "Напишите хотя бы одно слово — название цветка или букета.",
    found = {
      one = "🔎 Нашёлся {count} товар:",
      few = "🔎 Нашлось {count} товара:",
      many = "🔎 Нашлось {count} товаров:",
    },
    nothing = "По запросу «{query}» ничего не нашлось. Попробуйте другое слово или подберите по фильтрам.",
  },

  filter = {
    title = "🎛 Подбор по фильтрам. Выберите, что важно, и нажмите «Показать».",
    colour = "🎨 Цвет: {value}",
    occasion = "🎉 Повод: {value}",
    price = "💰 Цена: {value}",
    vip_on = "💎 Только VIP: да",
    vip_off = "💎 Только VIP: нет",
    any = "любой",
    any_choice = "Любой",
    show = "🔎 Показать",
    reset = "♻️ Сбросить",
    change = "🎛 Изменить фильтры",
    pick_colour = "Выберите цвет:",
    pick_occasion = "Выберите повод:",
    pick_price = "Выберите цену:",
    price_upto = "до {to}",
    price_between = "{from} – {to}",
    price_from = "от {from}",
    found = {
      one = "🎛 Подошёл {count} товар:",
      few = "🎛 Подошло {count} товара:",
      many = "🎛 Подошло {count} товаров:",
    },
    nothing = "Под эти фильтры ничего не подошло. Измените условия:",
  },

  colour = {
    red = "красный",
    white = "белый",
    pink = "розовый",
    yellow = "жёлтый",
    orange = "оранжевый",
    blue = "голубой",
    purple = "фиолетовый",
    lilac = "сиреневый",
    peach = "персиковый",
    green = "зелёный",
    cream = "кремовый",
    burgundy = "бордовый",
    beige = "бежевый",
    gold = "золотой",
    kraft = "крафт",
    pastel = "пастельный",
    mixed = "разноцветный",
    assorted = "разные цвета",
    dark_red = "тёмно-красный",
    brown = "коричневый",
    clear = "прозрачный",
  },

  occasion = {
    birthday = "день рождения",
    love = "любовь",
    anniversary = "годовщина",
    march8 = "8 Марта",
    feb14 = "14 февраля",
    navruz = "Навруз",
    teachers_day = "День учителя",
    first_school_day = "первый звонок",
    last_bell = "последний звонок",
    graduation = "выпускной",
    wedding = "свадьба",
    newborn = "рождение ребёнка",
    apology = "извинение",
    thanks = "благодарность",
    corporate = "для коллег",
    mother = "маме",
    sympathy = "соболезнование",
    new_year = "Новый год",
    just_because = "просто так",
  },

  deeplink = {
    unknown = "Эта ссылка устарела или в ней ошибка — такого товара или раздела нет. Вот главное меню:",
  },

  role = {
    owner = "владелец",
    florist = "флорист",
    courier = "курьер",
    manager = "менеджер",
    accountant = "бухгалтер",
    marketing = "маркетинг",
  },

  roles = {
    item = "{name} ({code})",
    usage = "Команды владельца:\n/grant <tg_id> <роль> — выдать роль\n/revoke <tg_id> <роль> — снять роль\n"
         .. "/roles <tg_id> — роли пользователя\n/roles — все сотрудники\nРоли: {roles}",
    bad_id = "Нужен числовой Telegram id, например: /grant 123456789 florist",
    bad_role = "Роли «{role}» нет. Роли: {roles}",
    granted = "Готово: пользователю {tg_id} выдана роль «{role}».",
    already = "У пользователя {tg_id} уже есть роль «{role}».",
    revoked = "Готово: у пользователя {tg_id} снята роль «{role}».",
    not_had = "У пользователя {tg_id} нет роли «{role}».",
    list = "Роли пользователя {tg_id}: {roles}",
    none = "У пользователя {tg_id} нет ролей сотрудника.",
    owner_only = "Извините, эта команда только для владельца магазина.",
    needs = "Извините, эта команда для ролей: {roles} (и для владельца магазина).",
    you_granted = "Вам выдана роль «{role}». Панель сотрудника — в меню: /menu",
    you_revoked = "Роль «{role}» у вас снята.",
  },

  staff = {
    refused = "Извините, эта кнопка только для сотрудников магазина.",
    refused_command = "Извините, эта команда только для сотрудников магазина.",
    panel = "🧑‍💼 Панель сотрудника. Ваши роли: {roles}",
    list_button = "👥 Сотрудники",
    list_title = "👥 Сотрудники магазина:",
    list_line = "{name} ({tg_id}) — {role}",
    list_empty = "Сотрудников пока нет. Выдать роль: /grant <tg_id> <роль>",
    revoke_button = "✖️ {name}: снять «{role}»",
  },
}
