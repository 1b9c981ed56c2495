-- templates/ru/orders.lua — section `orders`: the customer's "📦 Мои заказы".
-- Keys must match templates/uz/orders.lua.
return {
  title = "📦 Ваши заказы (нажмите, чтобы открыть):",
  empty = "У вас пока нет заказов. Загляните в каталог!",
  item = "#{id} · {date} · {status} · {price}",
  back = "⬅️ К заказам",
  not_found = "Такого заказа у вас нет.",
  detail = {
    title = "📦 Заказ #{id} — {status}",
    slot = "📅 Доставка: {slot}",
    recipient = "👤 Получатель: {name}, {phone}",
    address = "🏠 Адрес: {address}",
    items = "Состав:",
    card = "💌 Открытка: «{text}»",
    total = "💰 Сумма: {price}",
    cancel_reason = "Причина отмены: {reason}",
  },
  cancel = "❌ Отменить заказ",
  cancel_confirm = "Отменить заказ #{id}? Флорист его ещё не взял, так что всё вернётся как было.",
  cancel_yes = "Да, отменить",
  cancel_no = "Нет",
  cancelled = "Заказ #{id} отменён.",
  comment_prompt = "💬 Напишите одним сообщением, что вы хотите сказать флористу о букете (заказ #{id}):",
  comment_too_long = "Слишком длинно: не больше {max} символов. Напишите короче.",
  comment_sent = "Спасибо! Передали флористу.",
}
