-- templates/uz.lua — every sentence the bot says in Uzbek (Latin script).
-- Keys must match templates/ru.lua exactly (spec/templates_spec.lua checks).
-- Uzbek nouns do not change after numbers, so all plural forms are the same.
-- oʻ and gʻ are written with U+02BB, the tutuq belgisi with U+02BC.
return {
  currency = "soʻm",
  error = {
    generic = "Kechirasiz, nimadir xato ketdi. Birozdan so'ng qayta urinib ko'ring.",
  },
  unit = {
    stem = { one = "dona", few = "dona", many = "dona" },
  },

  common = {
    price = "{amount} {currency}",
    ellipsis = "…",
    back = "⬅️ Orqaga",
    menu = "🏠 Menyu",
    close = "✖️ Yopish",
    prev = "◀️",
    next = "▶️",
    page = "{page} / {pages}",
    stale = "Bu tugma endi ishlamaydi. Menyuni oching: /menu",
    unknown_command = "Bunday buyruqni bilmayman.",
    not_text = "Men matn va tugmalarni tushunaman.",
  },

  lang = {
    ask = "Tilni tanlang:",
    self = "🇺🇿 Oʻzbekcha",
    saved = "Tayyor! Endi oʻzbek tilida gaplashamiz. Tilni istalgan vaqtda menyudan oʻzgartirish mumkin.",
  },

  menu = {
    cart = "🛒 Savat",
    constructor = "🌹 Guldasta yigʻish",
    orders = "📦 Buyurtmalarim",
    title = "Nima bilan yordam beray? Menyudan tanlang yoki nima qidirayotganingizni yozing — masalan, «atirgul».",
    checkout_open = "🧾 Sizda rasmiylashtirilmagan buyurtma bor — unga «Rasmiylashtirishni davom ettirish» tugmasi bilan qaytishingiz mumkin.",
    continue_checkout = "🧾 Rasmiylashtirishni davom ettirish",
    catalog = "💐 Katalog",
    search = "🔎 Qidiruv",
    filters = "🎛 Filtr boʻyicha tanlash",
    language = "🌐 Til / Язык",
    staff = "🧑‍💼 Xodimlar uchun",
  },

  help = {
    text = "Men gul doʻkonining botiman. Katalogda guldastalar, donalab gullar, kompozitsiyalar va sovgʻalar bor. "
        .. "Gulni topish uchun nomini yozing yoki guldastani rangi, munosabati va narxi boʻyicha tanlang.",
    owner = "Doʻkon egasining buyruqlari:\n/grant <tg_id> <rol> — rol berish\n/revoke <tg_id> <rol> — rolni olish\n"
         .. "/roles <tg_id> — foydalanuvchi rollari\n/roles — barcha xodimlar\n"
         .. "/cancel_order <raqam> <sabab> — buyurtmani bekor qilish\n"
         .. "/payments [YYYY-OO-KK] — kun toʻlovlari\n/payments_csv <dan> <gacha> — davr uchun CSV\n"
         .. "/sales [dan [gacha]] — mahsulotlar boʻyicha sotuv",
    accountant = "Buxgalter buyruqlari:\n/payments [YYYY-OO-KK] — kun toʻlovlari, qaytarishlar, nomuvofiqliklar\n"
              .. "/payments_csv <dan> <gacha> — davr uchun CSV\n/sales [dan [gacha]] — mahsulotlar boʻyicha sotuv\n"
              .. "/sales_csv [dan [gacha]] — shuning oʻzi CSV fayl",
    manager = "Menejer buyruqlari:\n/cancel_order <raqam> <sabab> — buyurtmani bekor qilish\n"
           .. "/sales [dan [gacha]] — mahsulotlar boʻyicha sotuv",
    marketing = "Marketolog buyruqlari:\n/post <kod> — kanalga post\n/work <kod> — tayyor ish surati bilan post\n"
             .. "/posts — postlar, oʻtishlar va buyurtmalar\n/sales [dan [gacha]] — mahsulotlar boʻyicha sotuv",
  },

  catalog = {
    title = "💐 Katalog. Boʻlimni tanlang:",
    category_title = "📂 {name}",
    category_button = "{name} ({count})",
    product_button = "{name} — {price}",
    empty = "Bu boʻlimda hozircha hech narsa yoʻq.",
    gone = "Bu boʻlim endi yoʻq.",
  },

  card = {
    add = "🛒 Savatga",
    title = "💐 {name}",
    vip = "💎 VIP",
    description = "{text}",
    price = "Narxi: {price}",
    colour = "Rangi: {colours}",
    occasions = "Munosabat: {occasions}",
    category = "📂 {name}",
    gone = "Bu mahsulot endi sotuvda yoʻq.",
  },

  search = {
    prompt = "Nima qidirayotganingizni yozing: masalan, «atirgul», «lola» yoki «розы».",
    empty_query = "Hech boʻlmaganda bitta soʻz yozing — gul yoki guldasta nomini.",
    found = {
      one = "🔎 {count} ta mahsulot topildi:",
      few = "🔎 {count} ta mahsulot topildi:",
      many = "🔎 {count} ta mahsulot topildi:",
    },
    nothing = "«{query}» boʻyicha hech narsa topilmadi. Boshqa soʻz bilan urinib koʻring yoki filtr boʻyicha tanlang.",
  },

  filter = {
    title = "🎛 Filtr boʻyicha tanlash. Muhimini tanlang va «Koʻrsatish»ni bosing.",
    colour = "🎨 Rangi: {value}",
    occasion = "🎉 Munosabat: {value}",
    price = "💰 Narxi: {value}",
    vip_on = "💎 Faqat VIP: ha",
    vip_off = "💎 Faqat VIP: yoʻq",
    any = "istalgan",
    any_choice = "Istalgan",
    show = "🔎 Koʻrsatish",
    reset = "♻️ Tozalash",
    change = "🎛 Filtrlarni oʻzgartirish",
    pick_colour = "Rangni tanlang:",
    pick_occasion = "Munosabatni tanlang:",
    pick_price = "Narxni tanlang:",
    price_upto = "{to} gacha",
    price_between = "{from} – {to}",
    price_from = "{from} dan",
    found = {
      one = "🎛 {count} ta mahsulot mos keldi:",
      few = "🎛 {count} ta mahsulot mos keldi:",
      many = "🎛 {count} ta mahsulot mos keldi:",
    },
    nothing = "Bu filtrlarga hech narsa mos kelmadi. Shartlarni oʻzgartiring:",
  },

  colour = {
    red = "qizil",
    white = "oq",
    pink = "pushti",
    yellow = "sariq",
    orange = "toʻq sariq",
    blue = "havorang",
    purple = "binafsha",
    lilac = "nafarmon",
    peach = "shaftoli rang",
    green = "yashil",
    cream = "krem",
    burgundy = "bordo",
    beige = "bej",
    gold = "tilla rang",
    kraft = "kraft",
    pastel = "pastel",
    mixed = "rang-barang",
    assorted = "turli ranglar",
    dark_red = "toʻq qizil",
    brown = "jigarrang",
    clear = "shaffof",
  },

  occasion = {
    birthday = "tugʻilgan kun",
    love = "muhabbat",
    anniversary = "yubiley",
    march8 = "8-mart",
    feb14 = "14-fevral",
    navruz = "Navroʻz",
    teachers_day = "Oʻqituvchilar kuni",
    first_school_day = "birinchi qoʻngʻiroq",
    last_bell = "soʻnggi qoʻngʻiroq",
    graduation = "bitiruv kechasi",
    wedding = "toʻy",
    newborn = "chaqaloq tugʻilishi",
    apology = "uzr soʻrash",
    thanks = "minnatdorchilik",
    corporate = "hamkasblar uchun",
    mother = "onaga",
    sympathy = "taziya",
    new_year = "Yangi yil",
    just_because = "shunchaki",
  },

  deeplink = {
    unknown = "Bu havola eskirgan yoki xato — bunday mahsulot yoki boʻlim yoʻq. Mana asosiy menyu:",
  },

  role = {
    owner = "egasi",
    florist = "florist",
    courier = "kuryer",
    manager = "menejer",
    accountant = "buxgalter",
    marketing = "marketing",
  },

  roles = {
    item = "{name} ({code})",
    usage = "Egasining buyruqlari:\n/grant <tg_id> <rol> — rol berish\n/revoke <tg_id> <rol> — rolni olish\n"
         .. "/roles <tg_id> — foydalanuvchi rollari\n/roles — barcha xodimlar\nRollar: {roles}",
    bad_id = "Raqamli Telegram id kerak, masalan: /grant 123456789 florist",
    bad_role = "«{role}» degan rol yoʻq. Rollar: {roles}",
    granted = "Tayyor: {tg_id} foydalanuvchisiga «{role}» roli berildi.",
    already = "{tg_id} foydalanuvchisida «{role}» roli allaqachon bor.",
    revoked = "Tayyor: {tg_id} foydalanuvchisidan «{role}» roli olindi.",
    not_had = "{tg_id} foydalanuvchisida «{role}» roli yoʻq.",
    list = "{tg_id} foydalanuvchisining rollari: {roles}",
    none = "{tg_id} foydalanuvchisida xodim roli yoʻq.",
    owner_only = "Kechirasiz, bu buyruq faqat doʻkon egasi uchun.",
    needs = "Kechirasiz, bu buyruq quyidagi rollar uchun: {roles} (va doʻkon egasi uchun).",
    you_granted = "Sizga «{role}» roli berildi. Xodim paneli menyuda: /menu",
    you_revoked = "Sizdan «{role}» roli olindi.",
  },

  staff = {
    refused = "Kechirasiz, bu tugma faqat doʻkon xodimlari uchun.",
    refused_command = "Kechirasiz, bu buyruq faqat doʻkon xodimlari uchun.",
    panel = "🧑‍💼 Xodim paneli. Rollaringiz: {roles}",
    list_button = "👥 Xodimlar",
    list_title = "👥 Doʻkon xodimlari:",
    list_line = "{name} ({tg_id}) — {role}",
    list_empty = "Hozircha xodimlar yoʻq. Rol berish: /grant <tg_id> <rol>",
    revoke_button = "✖️ {name}: «{role}»ni olish",
  },
}
