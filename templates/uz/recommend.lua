-- templates/uz/recommend.lua — the suggestions' buttons on a product card
-- and under the cart (rules/recommend.lua decides which).
return {
  together = "🤝 Koʻpincha birga olinadi: {name}",
  suits = "✨ Sizga mos: {name}",
  popular = "🔥 Mavsum xiti: {name}",
}
