-- templates/uz/flow.lua — section `flow` in Uzbek (Latin, with ʻ).
-- Keys must match templates/ru/flow.lua.
return {
  status = {
    new = "yangi",
    pending = "toʻlov kutilmoqda",
    paid = "toʻlangan",
    accepted = "florist qabul qildi",
    assembling = "yigʻilmoqda",
    ready = "tayyor",
    delivering = "yoʻlda",
    delivered = "yetkazildi",
    cancelled = "bekor qilingan",
  },

  slot = "{date}, {from}–{to}",
  slot_day = "{date}",
  slot_none = "sana tanlanmagan",
  code = "{code}",

  item = {
    line = "• {name} × {count}",
    bouquet = "💐 Konstruktordagi guldasta №{n}:",
    part = "   – {name} × {count}",
    card = "   💌 Tabriknoma (aynan): «{text}»",
  },

  escalate = "⏰ #{id}-buyurtma {minutes} daqiqadan beri florist kutmoqda. Floristlar kanalini oching.",
  post = {
    title = "🆕 Buyurtma #{id}",
    slot = "📅 {slot}",
    zone = "📍 Hudud: {zone}",
    occasion = "🎉 Sabab: {occasion}",
    items = "Tarkibi:",
    card = "💌 Tabriknoma (aynan): «{text}»",
    surprise = "🤫 Syurpriz: oluvchiga oldindan qoʻngʻiroq qilinmasin",
    note = "📝 Mijozning istagi: {text}",
    total = "💰 Summa: {price}",
    state = {
      waiting = "⏳ Florist kutilmoqda",
      accepted = "✅ Qabul qildi: {name}",
      assembling = "🛠 Yigʻmoqda: {name}",
      ready = "📸 Tayyor, surat mijozda. Florist: {name}",
      delivering = "🚗 Kuryer olib bormoqda: {name}",
      delivered = "🏁 Yetkazildi",
      cancelled = "❌ Bekor qilindi. Sabab: {reason}",
      cancelled_by_customer = "❌ Mijoz bekor qildi",
    },
  },

  button = {
    accept = "✋ Buyurtmani olish",
    assembling = "🛠 Yigʻishni boshladim",
    ready = "📸 Tayyor (surat bilan)",
    cancel = "❌ Bekor qilish (menejer)",
    take = "🚗 Yetkazaman",
    delivered = "✅ Yetkazildi",
    delivered_photo = "📷 Yetkazildi, surat yuboraman",
    comment = "💬 Guldasta haqida izoh",
    stop_waiting = "✖️ Bekor qilish",
  },

  courier = {
    title = "🚚 Buyurtma #{id} yetkazishga tayyor",
    title_taken = "🚚 Buyurtma #{id}",
    waiting = "⏳ Kuryer kutilmoqda",
    taken = "🚗 Oldi: {name}",
  },

  route = {
    title = "🚗 Buyurtma #{id} sizniki. Qayerga va kimga:",
    recipient = "👤 Oluvchi: {name}, 📞 {phone}",
    address = "🏠 Manzil: {address}",
    landmark = "🧭 Moʻljal: {text}",
    map = "🗺 Xaritadagi nuqta: {lat}, {lon} — https://maps.google.com/?q={lat},{lon}",
    surprise = "🤫 Syurpriz: oldindan qoʻngʻiroq qilmang, faqat eshik ochilmasa qoʻngʻiroq qiling",
    call_first = "📞 Oluvchiga oldindan qoʻngʻiroq qilib, vaqtni kelishib oling",
    anonymous = "🕶 Anonim: yuboruvchining ismini aytmang",
    sender = "🙋 Yuboruvchi: {name}",
    cash = "💵 Naqd pul olinadi: {price}",
    extra_cash = "💵 Almashtirish uchun naqd qoʻshimcha toʻlov: {price}",
  },

  customer = {
    paid = "✅ Buyurtma #{id} toʻlovi qabul qilindi. Buyurtma floristga berildi — har bir qadamda yozamiz.",
    accepted = "✅ Buyurtma #{id} qabul qilindi: florist tez orada guldastangizni yigʻishni boshlaydi.",
    assembling = "🛠 Florist guldastangizni yigʻmoqda (buyurtma #{id}).",
    ready = "📸 Guldastangiz tayyor (buyurtma #{id}) — mana u! Tez orada kuryer olib ketadi. Biror narsa yoqmasa, izoh yozing.",
    delivering = "🚗 Kuryer buyurtma #{id} ni olib ketmoqda. Yetkazish: {slot}.",
    delivered = "🏁 Buyurtma #{id} yetkazildi. Bizni tanlaganingiz uchun rahmat!",
    cancelled = "❌ Buyurtma #{id} doʻkon tomonidan bekor qilindi. Sabab: {reason}",
  },

  done = {
    accepted = "✅ Buyurtma #{id} sizniki!",
    assembling = "🛠 Belgilandi: buyurtma #{id} ni yigʻyapsiz",
    ready = "📸 Buyurtma #{id} tayyor, surat mijozda",
    delivering = "🚗 Buyurtma #{id} sizniki. Manzil — bot bilan shaxsiy chatda",
    delivered = "🏁 Buyurtma #{id} yetkazildi. Rahmat!",
    cancelled = "❌ Buyurtma #{id} bekor qilindi",
  },

  ask_photo = "📸 Buyurtma #{id} uchun tayyor guldasta suratini shu yerga yuboring — mijoz uni koʻradi.",
  ask_photo_toast = "📸 Guldasta suratini bot bilan shaxsiy chatda yuboring",
  photo_waiting = "Buyurtma #{id} uchun surat kutyapman. Surat yuboring yoki «Bekor qilish»ni bosing.",
  photo_saved = "✅ Surat mijozga yuborildi. Buyurtma #{id} tayyor va kuryerlarga berildi.",
  photo_stop = "Yaxshi, endi surat kutmayman.",
  open_bot = "Avval bot bilan shaxsiy chatni oching va /start ni bosing",
  ask_pod = "📷 Buyurtma #{id} topshirilgani suratini yuboring — yoki suratsiz «Yetkazildi»ni bosing.",
  pod_saved = "✅ Rahmat! Buyurtma #{id} yetkazildi, surat mijozda.",
  ask_reason = "Buyurtma #{id} ni bekor qilish sababini yozing (mijoz uni koʻradi):",
  ask_reason_toast = "Bekor qilish sababini bot bilan shaxsiy chatda yozing",
  cancel_usage = "Buyurtmani bekor qilish: /cancel_order <raqam> <sabab>",
  cancelled = "❌ Buyurtma #{id} bekor qilindi. Ombor va vaqt oraligʻi qaytarildi.",
  cancelled_loss = "❌ Buyurtma #{id} bekor qilindi. Guldasta yigʻilgan edi: uning gullari yoʻqotish sifatida hisobdan chiqarildi, vaqt oraligʻi boʻshatildi.",
  -- to the order's florist or courier, privately
  cancel_notice = {
    title = "❌ Buyurtma #{id} bekor qilindi. Sabab: {reason}",
    florist_stop = "Uni yigʻish shart emas: gullar omborda qoladi.",
    florist_loss = "Guldasta endi kerak emas: uning gullari yoʻqotish sifatida hisobdan chiqarildi.",
    courier_back = "Uni yetkazmang: guldastani doʻkonga qaytaring.",
  },
  comment_forward = "💬 Mijozning buyurtma #{id} haqidagi izohi:\n{text}",

  assign = {
    usage = "Shunday: /assign RAQAM florist|courier TG_ID — hali hech kimniki boʻlmagan buyurtmani berish; /reassign RAQAM florist|courier TG_ID — buyurtmani bir xodimdan boshqasiga oʻtkazish.",
    unknown_person = "Telegram id {tg_id} boʻlgan odamni bot tanimaydi: avval botga /start yozsin.",
    done = {
      florist = "✅ Buyurtma #{id} florist {name}da. Holati: {status}.",
      courier = "✅ Buyurtma #{id} kuryer {name}da. Holati: {status}.",
    },
    told = {
      florist = "📋 Sizga buyurtma #{id} biriktirildi (guldasta yigʻish). Holati: {status}.",
      courier = "🚚 Sizga buyurtma #{id} biriktirildi (yetkazish). Holati: {status}.",
    },
    taken_away = "Buyurtma #{id} boshqa xodimga oʻtkazildi: endi u bilan shugʻullanish shart emas.",
  },

  refused = {
    assigned = "Buyurtma allaqachon shu xodimda ({name}).",
    not_staff = "Bu odamda {role} roli yoʻq.",
    not_found = "Bunday buyurtma yoʻq.",
    illegal = "Hozir bunday qilib boʻlmaydi: buyurtma {status}.",
    already = "Buyurtma allaqachon {status}.",
    role = "Bu amal sizning rolingiz uchun emas.",
    not_yours = "Bu boshqa xodimning buyurtmasi ({name}).",
    taken = "Buyurtmani allaqachon {name} oldi.",
    photo_needed = "Avval tayyor guldasta suratini yuboring.",
    too_late = "Buyurtma floristda — uni faqat doʻkon bekor qila oladi. Bizga yozing.",
    reason_needed = "Bekor qilish sababi kerak: {min} dan {max} gacha belgi.",
    short = "Omborda yetmaydi: {name}. Qoldiqni toʻgʻrilang yoki buyurtmani bekor qiling.",
    error = "Boʻlmadi, yana bir bor urinib koʻring.",
  },
}
