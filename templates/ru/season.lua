-- templates/ru/season.lua — section `season`: a product out of season
-- (rules/season.lua) in the catalog, on its card, and when the cart or the
-- constructor refuses it. Keys must match templates/uz/season.lua.
return {
  -- months as a season names them: "январь – апрель"
  month = {
    m1 = "январь", m2 = "февраль", m3 = "март", m4 = "апрель", m5 = "май", m6 = "июнь",
    m7 = "июль", m8 = "август", m9 = "сентябрь", m10 = "октябрь", m11 = "ноябрь", m12 = "декабрь",
  },
  product_button = "🌷 {name} — не сезон",
  card = "🌷 Сейчас не сезон. Сезон: {from} – {to}; пока этот товар не заказать.",
  not_now = "🌷 {name}: сейчас не сезон (сезон: {from} – {to}). В корзину не добавить.",
}
