-- templates/uz/cart.lua — savat, uning xabarlari va narx tafsiloti
-- (section `cart`). Keys must match templates/ru/cart.lua.
-- oʻ and gʻ are written with U+02BB, the tutuq belgisi with U+02BC.
return {
  title = "🛒 Savatingiz",
  empty = "🛒 Savat boʻsh.",
  empty_hint = "Katalogga qarang: mahsulot kartasida «Savatga» tugmasi bor.",
  lapsed = "⏳ Bron muddati tugadi: savat {minutes} daqiqa harakatsiz turdi va mahsulotlar yana sotuvga qaytdi. "
        .. "Ular hali bor boʻlsa, qaytadan qoʻshing.",
  held = "⏳ Mahsulotlar siz uchun {minutes} daqiqaga ajratib qoʻyildi; savat bilan ishlayotganingizda muddat uzayadi.",
  delivery_later = "🚚 Yetkazib berish narxi rasmiylashtirishda, manzilga qarab hisoblanadi.",
  removed_unavailable = "Baʼzi mahsulotlar endi sotilmaydi — ularni savatdan olib tashladik.",
  price_failed = "Summani hisoblab boʻlmadi. Birozdan keyin qayta urinib koʻring.",
  card_text = "      ✉️ Tabriknoma matni: «{text}»",

  -- buttons
  line_label = "{n}: ×{count}",
  dec = "➖",
  inc = "➕",
  remove = "🗑",
  clear = "🗑 Savatni tozalash",
  checkout = "✅ Buyurtma berish",
  catalog = "💐 Katalog",

  -- toasts
  added = "✅ Savatga qoʻshildi. Savatda: {count} ta.",
  only_left = "Faqat {count} ta qoldi.",
  only_yours = "Boshqa qoʻshib boʻlmaydi: savatingizda {count} ta, boshqa boʻsh qolmadi.",
  sold_out = "😔 Qolmadi: hammasi olib boʻlindi.",
  gone = "Bu mahsulot endi sotuvda yoʻq.",
  line_gone = "Bu pozitsiya savatda endi yoʻq.",
  cleared = "Savat tozalandi.",

  -- the price breakdown (bot/breakdown.lua)
  bd = {
    product = "{n}. {name} — {count} × {unit} = {amount}",
    bouquet = "{n}. 💐 Guldasta — {count} × {unit} = {amount}",
    bouquet_for = "{n}. 💐 Guldasta: {occasion} — {count} × {unit} = {amount}",
    stem = "      • {name} × {count} — {amount}",
    extra = "      • {name} × {count} — {amount}",
    packaging = "      • {name} — {amount}",
    ribbon = "      • Lenta — {amount}",
    card = "      • Tabriknoma — {amount}",
    items = "Mahsulotlar: {amount}",
    surcharge = "Bayram kuni ustamasi ({day}, +{percent}%): {amount}",
    delivery = "Yetkazib berish · {zone}: {amount}",
    delivery_free = "Yetkazib berish · {zone}: bepul",
    discount = "{code} promokodi boʻyicha chegirma: −{amount}",
    rounding = "Yaxlitlash: −{amount}",
    total = "Jami: {amount}",
    unknown_product = "mahsulot №{id}",
  },
}
