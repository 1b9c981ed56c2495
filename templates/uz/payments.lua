-- templates/uz/payments.lua — section `payments`: what Payme and Click show
-- the payer when we refuse a payment, the fiscal receipt's words, and the
-- cancellation reason a refund writes. Keys must match
-- templates/ru/payments.lua.
return {
  account = {
    not_found = "Buyurtma topilmadi.",
    being_paid = "Bu buyurtma hozir toʻlanmoqda. Tugashini kuting yoki keyinroq urinib koʻring.",
    not_payable = "Bu buyurtmani onlayn toʻlab boʻlmaydi: u allaqachon toʻlangan, bekor qilingan yoki boshqa usulda toʻlanadi.",
    no_fiscal_code = "Bu buyurtmani hozircha onlayn toʻlab boʻlmaydi. Doʻkon bundan xabardor va tez orada tuzatadi.",
    password = "Yangi kalit koʻrsatilmagan.",
  },
  error = {
    amount = "Summa buyurtma summasiga mos kelmaydi.",
    transaction = "Tranzaksiya topilmadi.",
    state = "Tranzaksiyaning hozirgi holatida bu amalni bajarib boʻlmaydi.",
    delivered = "Buyurtma yetkazib berilgan, toʻlovni bekor qilib boʻlmaydi.",
  },
  fiscal = {
    shipping = "Yetkazib berish",
  },
  cancel_reason = {
    refunded = "Toʻlov {provider} orqali qaytarildi",
    hold_expired = "Toʻlov vaqti tugadi",
  },
  pay = {
    button = "💳 {provider} orqali {total} toʻlash",
    cash = "💵 Kuryerga naqd toʻlayman",
    failed = "⚠️ Buyurtma #{id} toʻlovi oʻtmadi. Yana urinib koʻring yoki kuryerga naqd pulda toʻlang.",
    waiting = "⏳ Buyurtma #{id} toʻlovni kutmoqda: {total}.",
    to_cash = "💵 Yaxshi: buyurtma #{id} uchun kuryerga naqd toʻlaysiz ({total}). Buyurtma floristga berildi.",
    being_paid = "Bu buyurtmaning toʻlovi ketmoqda. Tugashini kuting yoki keyinroq urinib koʻring.",
    already_paid = "Bu buyurtma allaqachon toʻlangan.",
    gone = "Bu buyurtmani endi toʻlab boʻlmaydi.",
    refund_owed = "Buyurtma pulini doʻkon buxgalteri qaytaradi.",
  },
  owner = {
    no_fiscal_code = "⚠️ Buyurtma #{id} ni onlayn toʻlab boʻlmaydi: mahsulotlarda MXIK (IKPU) kodi yoki qadoq kodi yoʻq: {products}. Kodlarni katalogga qoʻshing — ularsiz Payme va Click toʻlovni qabul qilmaydi.",
  },
  report = {
    title = "💰 {date} toʻlovlari",
    none = "Toʻlovlar boʻlmagan.",
    more = "… yana {count} ta — hammasi CSV da",
    payment = "#{order} · {provider} · {state} · {amount}",
    state = {
      created = "yaratilgan",
      performed = "toʻlangan",
      cancelled = "bekor qilingan",
      refunded = "qaytarilgan",
    },
    owed_title = "↩️ Xaridorlarga qaytarish kerak:",
    owed = "#{order} · {provider} · {amount} · {reason}",
    owed_by_owner = "Pul qaytgach, qaytarishni doʻkon egasi belgilaydi.",
    owed_none = "Bajariladigan qaytarishlar yoʻq.",
    mismatch_title = "⚠️ Nomuvofiqliklar:",
    mismatch = {
      performed_unpaid = "#{order}: {provider} tranzaksiyasi oʻtkazilgan, buyurtma esa toʻlanmagan",
      paid_untracked = "#{order}: buyurtma onlayn toʻlangan, lekin oʻtkazilgan tranzaksiya yoʻq",
      amount = "#{order}: tranzaksiya summasi {amount} buyurtma summasi {total} ga teng emas",
      stuck = "#{order}: {provider} tranzaksiyasi «yaratilgan» holatida qolib ketgan",
    },
    mismatch_none = "Nomuvofiqliklar yoʻq.",
    rate = "📉 Muvaffaqiyatsiz toʻlovlar: {percent}% ({finished} tadan {failed} tasi), maqsad — {target}% dan kam",
    rate_none = "📉 Yakunlangan toʻlovlar yoʻq (maqsad — {target}% dan kam)",
    settle_button = "✅ #{order} buyurtma puli qaytarildi",
    settled = "#{order} buyurtma boʻyicha qaytarish belgilandi.",
    not_owed = "#{order} buyurtma boʻyicha qaytarish yoʻq.",
    csv_button = "📄 {date} uchun CSV",
    csv_caption = "{from} dan {to} gacha toʻlovlar va qaytarishlar: {count} qator.",
    bad_date = "Sanani shunday yozing: /payments 2026-03-08",
    csv_usage = "Davrni shunday yozing: /payments_csv 2026-03-01 2026-03-31 (boshi oxiridan keyin emas).",
  },
}
