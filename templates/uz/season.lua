-- templates/uz/season.lua — section `season`: a product out of season
-- (rules/season.lua) in the catalog, on its card, and when the cart or the
-- constructor refuses it. Keys must match templates/ru/season.lua.
return {
  -- months as a season names them: "yanvar – aprel"
  month = {
    m1 = "yanvar", m2 = "fevral", m3 = "mart", m4 = "aprel", m5 = "may", m6 = "iyun",
    m7 = "iyul", m8 = "avgust", m9 = "sentabr", m10 = "oktabr", m11 = "noyabr", m12 = "dekabr",
  },
  product_button = "🌷 {name} — mavsumi emas",
  card = "🌷 Hozir mavsumi emas. Mavsumi: {from} – {to}; hozircha buni buyurtma qilib boʻlmaydi.",
  not_now = "🌷 {name}: hozir mavsumi emas (mavsumi: {from} – {to}). Savatga qoʻshib boʻlmaydi.",
}
