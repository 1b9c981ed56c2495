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
  },
}
