-- templates/ru/cart.lua — the cart, its toasts and the price breakdown
-- (section `cart`; the breakdown, cart.bd.*, is also shown on the
-- confirmation screen and to the florist). Keys must match
-- templates/uz/cart.lua.
return {
  title = "🛒 Ваша корзина",
  empty = "🛒 Корзина пуста.",
  empty_hint = "Загляните в каталог: на карточке товара есть кнопка «В корзину».",
  lapsed = "⏳ Бронь истекла: корзина {minutes} мин. пролежала без действий, и товары вернулись в продажу. "
        .. "Добавьте их снова, если они ещё есть.",
  held = "⏳ Товары отложены для вас на {minutes} мин.; срок продлевается, пока вы работаете с корзиной.",
  delivery_later = "🚚 Доставка считается при оформлении, по адресу.",
  removed_unavailable = "Некоторых товаров больше нет в продаже — мы убрали их из корзины.",
  price_failed = "Не удалось посчитать сумму. Попробуйте ещё раз чуть позже.",
  card_text = "      ✉️ Текст открытки: «{text}»",

  -- buttons
  line_label = "{n}: ×{count}",
  dec = "➖",
  inc = "➕",
  remove = "🗑",
  clear = "🗑 Очистить корзину",
  checkout = "✅ Оформить заказ",
  catalog = "💐 Каталог",

  -- toasts
  added = "✅ Добавлено в корзину. В корзине: {count} шт.",
  only_left = "Осталось только {count} шт.",
  only_yours = "Больше не добавить: в вашей корзине {count} шт., свободных больше нет.",
  sold_out = "😔 Нет в наличии: всё уже разобрали.",
  gone = "Этого товара больше нет в продаже.",
  line_gone = "Этой позиции уже нет в корзине.",
  cleared = "Корзина очищена.",

  -- the price breakdown (bot/breakdown.lua)
  bd = {
    product = "{n}. {name} — {count} × {unit} = {amount}",
    bouquet = "{n}. 💐 Букет — {count} × {unit} = {amount}",
    bouquet_for = "{n}. 💐 Букет: {occasion} — {count} × {unit} = {amount}",
    stem = "      • {name} × {count} — {amount}",
    extra = "      • {name} × {count} — {amount}",
    packaging = "      • {name} — {amount}",
    ribbon = "      • Лента — {amount}",
    card = "      • Открытка — {amount}",
    items = "Товары: {amount}",
    surcharge = "Праздничная наценка ({day}, +{percent}%): {amount}",
    delivery = "Доставка · {zone}: {amount}",
    delivery_free = "Доставка · {zone}: бесплатно",
    discount = "Скидка по промокоду {code}: −{amount}",
    rounding = "Округление: −{amount}",
    total = "Итого: {amount}",
    unknown_product = "товар №{id}",
  },
}
