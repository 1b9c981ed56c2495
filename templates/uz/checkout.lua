-- templates/uz/checkout.lua — buyurtmani rasmiylashtirish (section `checkout`):
-- savatdagi "Buyurtma berish" tugmasidan buyurtma raqamigacha. Kalitlar
-- templates/ru/checkout.lua bilan bir xil. {name} — bot qoʻyadigan qiymat.
return {
  start = "✅ Buyurtma berish",
  header = "🧾 Buyurtma berish · {n}-qadam, jami {total}",
  cancel = "✖️ Bekor qilish",
  keep = "✓ Qoldirish: {value}",
  to_cart = "🛒 Savat",
  my_orders = "📦 Buyurtmalarim",
  stale = "Bu tugma endi ishlamaydi — mana joriy qadam.",
  resumed = "Buyurtmani toʻxtagan joyingizdan davom ettiramiz.",
  cancelled = "Rasmiylashtirish bekor qilindi. Savat oʻz holicha qoldi.",
  cart_empty = "Savat boʻsh — ehtimol, band qilish muddati tugab, mahsulotlar sotuvga qaytgan. Ularni qayta qoʻshing.",
  gone = "Mahsulotlardan biri endi sotuvda yoʻq. Savatni koʻrib chiqing.",
  failed = "Buyurtmani rasmiylashtirib boʻlmadi. «Tasdiqlash»ni yana bir bor bosib koʻring.",
  price_changed = "⚠️ Siz rasmiylashtirayotganda narxlar oʻzgardi. Yangi summani tekshirib, qayta tasdiqlang.",
  zone_code = "{code} hududi",
  zone_fee = "📍 {zone}: yetkazib berish {fee}",
  zone_fee_free_from = "📍 {zone}: yetkazib berish {fee}, {free_from} dan bepul",
  window = "{start}–{end}",
  window_left = {
    one = "{window} ({count} ta joy qoldi)",
    few = "{window} ({count} ta joy qoldi)",
    many = "{window} ({count} ta joy qoldi)",
  },

  recipients = {
    pick = "Oldingi buyurtmalardagi oluvchini tanlang yoki yangisining ismini yozing.",
    button = "👤 {name} — {address}",
    picked = "👤 Oluvchi: {name}, {phone}",
  },

  name = {
    ask = "Guldastani kimga yetkazamiz? Oluvchining ismini yozing.",
    me = "🙋 Bu men: {name}",
    bad = "Ism {min} dan {max} tagacha belgidan iborat boʻlsin. Qaytadan yozing.",
  },

  phone = {
    ask = "Oluvchining telefoni — kuryer unga qoʻngʻiroq qiladi. Masalan: +998 90 123 45 67 yoki 90 123 45 67.",
    me = "📱 Oluvchi — men (mening raqamim)",
    got = "☎️ Telefon: {phone}",
    share_hint = "Raqamingizni yuborish uchun pastdagi tugmani bosing. Yoki oluvchining raqamini yozing.",
    share_button = "📱 Raqamimni yuborish",
    bad_empty = "Telefon raqamini raqamlar bilan yozing, masalan 90 123 45 67.",
    bad_chars = "Raqamda faqat raqamlar, boʻsh joy, qavs, chiziqcha va «+» boʻlishi mumkin. Masalan: +998 90 123 45 67.",
    bad_length = "Oʻzbekiston raqami +998 dan keyin 9 ta raqam, masalan +998 90 123 45 67. Tekshirib koʻring.",
    bad_code = "Bunday operator kodi yoʻq. Raqam shunday koʻrinadi: +998 90 123 45 67.",
    bad_contact = "Bu kontaktda oʻzbek raqami yoʻq. Oluvchining raqamini yozing: +998 90 123 45 67.",
  },

  address = {
    ask = "Yetkazib berish manzili: koʻcha, uy, yoʻlak, xonadon.",
    bad = "Manzil {min} dan {max} tagacha belgidan iborat boʻlsin. Qaytadan yozing.",
  },

  landmark = {
    ask = "Moʻljal — uy yonida nima bor? Masalan: «12-maktab roʻparasida», «Mehtar Anbar bozori orqasida».",
    bad = "Moʻljal {min} dan {max} tagacha belgidan iborat boʻlsin. Qaytadan yozing.",
  },

  location = {
    ask = "📍 Xaritada nuqtani yuboring: 📎 → «Joylashuv», belgini oluvchining uyiga suring. "
       .. "Shu boʻyicha yetkazib berish hududini aniqlaymiz. Nuqta boʻlmasa — tumanni tanlang.",
    choose_district = "🗺 Tumanni tanlash",
    districts = "Yetkazib berish tumanini tanlang:",
    pin_kept = "xaritadagi nuqta",
    need_pin = "Bu yerda xaritadagi nuqta (📎 → «Joylashuv») yoki roʻyxatdan tuman kerak.",
    try_district = "Nuqtani tekshiring yoki roʻyxatdan tumanni tanlang.",
  },

  date = {
    ask = "📅 Yetkazib berish kunini tanlang:",
    none = "Yaqin kunlarda boʻsh yetkazib berish vaqti yoʻq. Bizga qoʻngʻiroq qiling yoki keyinroq qarang.",
    gone = "Bu kun endi mavjud emas — boshqasini tanlang.",
    today = "Bugun, {day}-{month}",
    tomorrow = "Ertaga, {day}-{month}",
    other = "{weekday}, {day}-{month}",
  },

  time = {
    ask = "🕘 Yetkazib berish vaqtini tanlang:",
    none = "Bu kunga boʻsh vaqt qolmadi — boshqa kunni tanlang.",
    full = "Bu vaqt hozirgina band boʻldi — boshqa vaqtni tanlang.",
    gone = "Bu vaqtga endi ulgurmaymiz — boshqasini tanlang.",
  },

  surprise = {
    ask = "🤫 Syurpriz? Odatda kuryer vaqtni kelishish uchun oluvchiga oldindan qoʻngʻiroq qiladi. "
       .. "Syurprizda qoʻngʻiroq boʻlmaydi: kuryer faqat eshikni hech kim ochmasa qoʻngʻiroq qiladi "
       .. "va guldastani manzildagi kishiga topshirishi mumkin.",
    yes = "🤫 Ha, syurpriz — qoʻngʻiroqsiz",
    no = "📞 Yoʻq, oldindan qoʻngʻiroq qiling",
  },

  anonymous = {
    ask = "🕶 Anonimmi? Unda oluvchi ham, kuryer ham guldasta kimdan ekanini bilmaydi: ismingiz hech qayerda koʻrinmaydi.",
    yes = "🕶 Ha, anonim",
    no = "👤 Yoʻq, ismimni aytish mumkin",
  },

  card = {
    ask = "💌 Tabriknoma matni — florist uni soʻzma-soʻz yozadi ({max} belgigacha). "
       .. "Matnni yozing yoki «Tabriknomasiz»ni tanlang.",
    none = "Tabriknomasiz",
    preview = "💌 Tabriknomada shunday yoziladi:\n\n{text}\n\nHammasi toʻgʻrimi?",
    ok = "✅ Hammasi toʻgʻri",
    edit = "✏️ Qaytadan yozish",
    empty = "Tabriknoma matni boʻsh — unda nima yozilishini yozing.",
    too_long = "Tabriknoma matni {max} belgidan oshmasin, sizda esa {length}. Iltimos, qisqartiring.",
  },

  promo = {
    ask = "🏷 Promokod bormi? Uni yozing yoki «Promokodsiz»ni bosing.",
    none = "Promokodsiz",
    applied = "🏷 {code} promokodi qoʻllandi.",
    unknown = "Bunday promokod yoʻq. Yozilishini tekshiring yoki usiz davom eting.",
    not_yet = "Bu promokod hali amal qilmaydi.",
    expired = "Bu promokodning amal qilish muddati tugagan.",
    used_up = "Bu promokod eng koʻp marta ishlatib boʻlingan.",
    min_total = "Promokod {min} dan boshlab buyurtmalar uchun amal qiladi (yetkazib berishsiz).",
  },

  payment = {
    ask = "💵 Buyurtmani qanday toʻlaysiz?",
    cash = "💵 Kuryerga naqd pulda",
    payme = "💳 Payme orqali karta bilan",
    click = "💳 Click orqali karta bilan",
  },

  confirm = {
    header = "🧾 Buyurtmani tekshiring",
    recipient = "👤 Oluvchi: {name}, {phone}",
    address = "🏠 Manzil: {address}",
    landmark = "🧭 Moʻljal: {landmark}",
    zone_pin = "📍 Xaritadagi nuqta, hudud: {zone}",
    zone_district = "📍 Tuman: {district} · hudud: {zone}",
    when = "📅 {date}, {window}",
    surprise_yes = "🤫 Syurpriz: oluvchiga qoʻngʻiroqsiz",
    surprise_no = "📞 Kuryer oluvchiga oldindan qoʻngʻiroq qiladi",
    anonymous_yes = "🕶 Anonim: ismingiz aytilmaydi",
    anonymous_no = "👤 Anonim emas",
    card = "💌 Tabriknoma:\n{text}",
    no_card = "💌 Tabriknomasiz",
    promo = "🏷 Promokod: {code}",
    cash_note = "Toʻlov qabul qilishda naqd pulda.",
    online_note = "Tasdiqlagach, buyurtmani karta bilan toʻlaysiz. Gullar va yetkazish vaqtini siz uchun {minutes} daqiqa saqlaymiz.",
    button = "✅ Buyurtmani tasdiqlash",
  },

  placed = "🎉 Buyurtma #{id} qabul qilindi!",
  placed_cash = "Kuryerga toʻlanadi: {total}.",
  placed_online = "Toʻlanadi: {total}. {minutes} daqiqa ichida toʻlang — quyidagi tugma. Toʻlov oʻtishi bilan buyurtma floristga yuboriladi.",
  placed_next = "Florist uni tez orada ishga oladi — har bir qadamda sizga yozamiz.",
  already_placed = "Buyurtma #{id} allaqachon rasmiylashtirilgan.",

  month = {
    m1 = "yanvar", m2 = "fevral", m3 = "mart", m4 = "aprel", m5 = "may", m6 = "iyun",
    m7 = "iyul", m8 = "avgust", m9 = "sentabr", m10 = "oktabr", m11 = "noyabr", m12 = "dekabr",
  },

  weekday = {
    d1 = "Dushanba", d2 = "Seshanba", d3 = "Chorshanba", d4 = "Payshanba", d5 = "Juma",
    d6 = "Shanba", d7 = "Yakshanba",
  },
}
