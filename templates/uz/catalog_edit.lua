-- templates/uz/catalog_edit.lua — section `catalog_edit`: a product's card
-- for the owner and managers (/product CODE) and its editing
-- (bot/product_admin.lua). Keys must match templates/ru/catalog_edit.lua.
return {
  usage = "Mahsulot kodini yozing: /product CODE",
  not_found = "«{code}» kodli mahsulot yoʻq.",
  card = "🛠 Mahsulot {code}\nNomi (ru): {name_ru}\nNomi (uz): {name_uz}\nNarxi: {price}\n"
      .. "Tavsif (ru): {description_ru}\nTavsif (uz): {description_uz}\nRangi: {colour}\n"
      .. "Boʻlim: {category}\nVIP: {vip}\nSotuvda: {active}\nMXIK: {mxik_code}\nQadoq kodi: {package_code}",
  empty = "—",
  yes = "ha",
  no = "yoʻq",
  field = {
    price_som = "💰 Narxi",
    name_ru = "Nomi (ru)",
    name_uz = "Nomi (uz)",
    description_ru = "Tavsif (ru)",
    description_uz = "Tavsif (uz)",
    colour = "🎨 Rangi",
    mxik_code = "MXIK",
    package_code = "Qadoq kodi",
  },
  ask = {
    price_som = "Yangi narxni soʻmda, butun son bilan yozing (masalan: 150000).",
    name_ru = "Yangi nomni rus tilida yozing.",
    name_uz = "Yangi nomni oʻzbek tilida yozing.",
    description_ru = "Yangi tavsifni rus tilida yozing. Nuqta «.» — tavsifni olib tashlash.",
    description_uz = "Yangi tavsifni oʻzbek tilida yozing. Nuqta «.» — tavsifni olib tashlash.",
    colour = "Rangni kodlar bilan vergul orqali yozing (masalan: red, white). Nuqta «.» — rangni olib tashlash.",
    mxik_code = "MXIK kodini yozing — 17 ta raqam. Nuqta «.» — olib tashlash.",
    package_code = "Qadoq kodini yozing — faqat raqamlar. Nuqta «.» — olib tashlash.",
  },
  button = {
    vip_on = "⭐ VIP qilish",
    vip_off = "☆ VIP ni olib tashlash",
    hide = "🙈 Katalogdan yashirish",
    show = "👁 Katalogga qaytarish",
    move = "📂 Boshqa boʻlimga koʻchirish",
    back = "⬅️ Mahsulotga",
    stop = "✖️ Bekor qilish",
  },
  category = "📂 {name}",
  pick_category = "Mahsulotni qaysi boʻlimga koʻchiramiz?",
  saved = "✅ Saqlandi.",
  same = "Bu qiymat allaqachon turibdi, hech narsa oʻzgarmadi.",
  gone = "Bu mahsulot endi yoʻq.",
  refused = "Saqlanmadi: {reason}. Qaytadan yozing yoki «Bekor qilish»ni bosing.",
  stopped = "Yaxshi, hech narsa oʻzgarmadi.",
}
