-- templates/uz/upload.lua — section `upload` (see templates/ru/upload.lua).
-- Keys must match templates/ru/upload.lua.
return {
  role = "CSV fayllarni (katalog, omborni qayta sanash) faqat doʻkon egasi va menejerdan qabul qilaman.",
  too_big = "Fayl {max} KB dan katta. Uni qismlarga boʻlib, birma-bir yuboring.",
  fetch_failed = "Faylni Telegramdan olib boʻlmadi. Uni yana yuboring.",
  unreadable = "Fayl CSV sifatida oʻqilmayapti. Hech narsa oʻzgarmadi.",
  unreadable_line = "Fayl CSV sifatida oʻqilmayapti: {line}-qatorda qoʻshtirnoq xatosi. Hech narsa oʻzgarmadi.",
  unknown_header = "Bu qanday fayl ekanini tushunmadim. Birinchi qator ustunlarni nomlashi kerak: katalog uchun — code, name_ru, name_uz, price_som…; omborni qayta sanash uchun — code va on_hand.",
  summary = {
    catalog = "📄 «{file}» katalogi: oʻzgaradi — {changed}, oʻzgarishsiz — {unchanged}, rad etildi — {refused}.",
    stock = "📦 «{file}» ombor sanogʻi: oʻzgaradi — {changed}, oʻzgarishsiz — {unchanged}, rad etildi — {refused}.",
  },
  line = {
    refused = "❌ {line}-qator, {code}: {reason}",
    stock = "{line}-qator, {code}: {before} → {after}",
    catalog = "{line}-qator, {code}: {fields}",
    new = "{line}-qator, {code}: yangi mahsulot",
  },
  more = "…yana {count} qator",
  blocked = "Faylda rad etilgan qatorlar bor ekan, hech narsa qoʻllanmaydi. Ularni tuzatib, faylni yana yuboring.",
  nothing = "Oʻzgartiradigan narsa yoʻq.",
  confirm = "Hammasini birdaniga qoʻllaymi?",
  button = {
    apply = "✅ Qoʻllash",
    cancel = "✖️ Bekor qilish",
  },
  applied = "✅ Qoʻllandi, oʻzgargan qatorlar: {changed}.",
  moved = "Hech narsa qoʻllanmadi: fayl kutib turganda maʼlumotlar oʻzgardi. Uni yana yuboring.",
  error = "Yozib boʻlmadi. Hech narsa oʻzgarmadi; birozdan keyin yana urinib koʻring.",
  expired = "Bu fayl endi qoʻllashni kutmayapti. Uni yana yuboring.",
  cancelled = "Yaxshi, hech narsa oʻzgarmadi.",
  reason = {
    stock = {
      unknown_code = "bunday kodli mahsulot yoʻq",
      not_whole = "butun son kerak",
      below_zero = "noldan kam",
      below_reserved = "savatlar va buyurtmalardagidan kam ({reserved})",
      duplicate = "kod takrorlangan (birinchi marta {first}-qatorda)",
    },
    catalog = {
      no_code = "kod yoʻq",
      code_word = "kod — bitta soʻz, boʻshliqsiz",
      duplicate = "kod takrorlangan (birinchi marta {first}-qatorda)",
      missing = "{field} toʻldirilishi kerak",
      bad_kind = "kind — stem, composition yoki extra",
      bad_price = "price_som — butun soʻm",
      bad_flag = "{field} — 1 yoki 0",
      unknown_category = "bunday category_code li kategoriya yoʻq",
      bad_mxik = "mxik_code — 17 ta raqam",
      bad_package = "package_code — faqat raqamlar",
    },
  },
}
