-- templates/uz/stock.lua — section `stock` (see templates/ru/stock.lua).
-- Keys must match templates/ru/stock.lua.
return {
  item = "{name} ({code}), omborda: {on_hand}",
  pick = "Bir nechtasi topildi — tanlang:",
  not_found = "«{text}» topilmadi. Kodni (masalan, S01) yoki nomining bir qismini yozing.",
  bad_number = "0 dan {max} gacha butun son kerak.",
  bad_cost = "Bir dona narxi butun soʻmda kerak, masalan 12 000.",
  stopped = "Yaxshi, hech narsa yozilmadi.",
  threshold_usage = "Shunday: /threshold KOD SON — masalan, /threshold S01 20",
  corrections_none = "Qaror kutayotgan tuzatish yoʻq.",

  ask = {
    item = {
      incoming = "📦 Kirim. Qaysi mahsulot? Kodni yoki nomining bir qismini yozing.",
      loss = "🥀 Hisobdan chiqarish. Qaysi mahsulot? Kodni yoki nomining bir qismini yozing.",
      correct = "🔢 Qayta sanash. Qaysi mahsulot? Kodni yoki nomining bir qismini yozing.",
    },
    count = "{item}\nNechta dona? ({max} gacha)",
    counted = "{item}\nAslida nechta sanaldi?",
    cost = "{item}\nBir donasining xarid narxi, soʻmda?",
    supplier = "{item}\nQaysi yetkazib beruvchidan?",
    invoice = "{item}\nYuk xatining suratini yuboring yoki «Oʻtkazib yuborish»ni bosing.",
    kind = "{item}\nHisobdan chiqarish sababi?",
    note = "{item}\nNima boʻlganini qisqacha yozing.",
  },

  kind = {
    wilted = "🥀 Soʻlib qoldi",
    broken = "💔 Singan",
    unsold = "⏳ Muddati tugaguncha sotilmadi",
    other = "✏️ Boshqa",
  },

  button = {
    stop = "✖️ Bekor qilish",
    skip = "⏭ Oʻtkazib yuborish",
    approve = "✅ Tasdiqlash",
    reject = "❌ Rad etish",
  },

  done = {
    incoming = "✅ Kirim yozildi: {name} +{count}. Endi omborda: {on_hand}.",
    loss = "✅ Hisobdan chiqarildi: {name} −{count}. Endi omborda: {on_hand}.",
    corrected = "✅ Tuzatish yozildi: {name}, {delta}. Endi omborda: {on_hand}.",
    unchanged = "👌 {name}: omborda {on_hand}, sanalgani bilan bir xil. Hech narsa oʻzgarmadi.",
    proposed = "📝 №{id} tuzatish ({name}, {delta}) ruxsat etilganidan katta — egasiga tasdiqlash uchun yuborildi. Hozircha omborda: {on_hand}.",
    threshold = "✅ {name}: boʻsh qoldigʻi {threshold} dan kam boʻlsa ogohlantiraman.",
    approved = "✅ №{id} tuzatish tasdiqlandi: {name}, {delta}. Endi omborda: {on_hand}.",
    rejected = "❌ №{id} tuzatish rad etildi: {name}, {delta}. Ombor oʻzgarmadi.",
  },

  state = {
    proposed = "qaror kutmoqda",
    approved = "tasdiqlangan",
    rejected = "rad etilgan",
  },

  refused = {
    role = "Buni qila oladi: {roles} (va doʻkon egasi).",
    not_found = "Bunday mahsulot yoʻq.",
    below_zero = "Mumkin emas: {name} omborda {on_hand}, chiqarish esa {count}. Noldan kam boʻlmaydi.",
    below_reserved = "Mumkin emas: {name} omborda {on_hand}, shundan {reserved} savatlar va buyurtmalarda band. Boʻsh {free}, kerak esa {count}.",
    bad_count = "1 dan {max} gacha butun son kerak.",
    bad_counted = "0 dan {max} gacha butun son kerak.",
    bad_cost = "Bir dona narxi butun soʻmda va ruxsat etilganidan oshmasligi kerak.",
    no_supplier = "Yetkazib beruvchini yozing.",
    supplier_long = "Yetkazib beruvchi nomi {max} belgidan oshmasin.",
    note_long = "Izoh {max} belgidan oshmasin.",
    note_needed = "«Boshqa» uchun izoh kerak.",
    loss_kind = "Sababni tugma bilan tanlang.",
    no_correction = "Bunday tuzatish yoʻq.",
    decided = "Tuzatish allaqachon {state}.",
    own_correction = "Oʻz tuzatishingizni boshqa odam tasdiqlaydi yoki rad etadi.",
    bad_threshold = "Chegara — 0 dan {max} gacha butun son.",
    error = "Yozib boʻlmadi. Birozdan keyin yana urinib koʻring.",
  },

  low = "⚠️ {name} ({code}) tugayapti: boʻsh {available}, chegara {threshold} (omborda {on_hand}).",
  lots = {
    title = "🥀 {date} holatiga eskirayotgan partiyalar: {count}. Ularni kompozitsiyalarga yoki chegirma bilan sotuvga qoʻying.",
    line = "• {name} ({code}): {remaining} dona, kelgan sana {arrived}, {left}",
    more = "…va yana {count} ta.",
    left = "qolgan kunlar: {days}",
    last = "oxirgi kun",
    over = "muddati {days} kun oldin tugagan",
  },
  proposal = "📝 №{id} tuzatish: {name} ({code}), {delta}.\nTaklif qildi: {who}. Izoh: {note}",

  decided = {
    approved = "✅ №{id} tuzatishingiz ({name}, {delta}) tasdiqlandi.",
    rejected = "❌ №{id} tuzatishingiz ({name}, {delta}) rad etildi.",
  },

  help = {
    florist = "Ombor:\n/incoming — mahsulot kirimi\n/loss — hisobdan chiqarish",
    manager = "Ombor:\n/incoming — mahsulot kirimi\n/loss — hisobdan chiqarish\n/correct — qayta sanashdan keyin tuzatish\n"
           .. "/threshold <kod> <son> — ogohlantirish chegarasi\n/corrections — tasdiqlash kutayotgan tuzatishlar (egasi)",
  },
}
