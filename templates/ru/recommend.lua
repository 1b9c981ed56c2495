-- templates/ru/recommend.lua — the suggestions' buttons on a product card
-- and under the cart (rules/recommend.lua decides which).
return {
  together = "🤝 Часто берут вместе: {name}",
  suits = "✨ Вам подойдёт: {name}",
  popular = "🔥 Хит сезона: {name}",
}
