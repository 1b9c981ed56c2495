-- templates/ru/reminders.lua — section `reminders`: the reminder before the
-- same date next year of an order made for an occasion, and its repeat.
-- Keys must match templates/uz/reminders.lua.
return {
  day = "{day} {month}",
  on_button = "🔔 Напомнить в следующем году",
  off_button = "🔕 Не напоминать ({date})",
  on = "🔔 Напомним за {days} дн. до {date} — с кнопкой, чтобы повторить заказ.",
  off = "🔕 Больше не напомним об этом заказе.",
  due = "🔔 Скоро {date} — в прошлом году в этот день вы дарили цветы ({occasion}, заказ #{id}). Повторить заказ?",
  ["repeat"] = "🔁 Повторить заказ",
  stop = "🔕 Больше не напоминать",
  filled = "🛒 В корзине — проверьте перед оформлением:",
  nothing = "Ничего из того заказа сейчас нет в продаже, и замены не нашлось.",
  line = "• {name} × {count}",
  line_instead = "• {name} × {count} — вместо «{was}», которого сейчас нет",
  line_bouquet = "• 💐 Букет из конструктора ({occasion})",
  line_missing = "• «{name}» — нет в продаже, замены не нашлось",
  to_cart = "🛒 Корзина",
  refused = {
    not_found = "Это напоминание больше не действует.",
  },
}
