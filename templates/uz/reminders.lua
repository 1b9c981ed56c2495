-- templates/uz/reminders.lua — `reminders` boʻlimi: bir yildan keyin shu
-- sanadan oldingi eslatma va buyurtmani takrorlash. Kalitlar
-- templates/ru/reminders.lua bilan bir xil.
return {
  day = "{day}-{month}",
  on_button = "🔔 Kelasi yili eslatish",
  off_button = "🔕 Eslatmaslik ({date})",
  on = "🔔 {date} dan {days} kun oldin eslatamiz — buyurtmani takrorlash tugmasi bilan.",
  off = "🔕 Bu buyurtma haqida endi eslatmaymiz.",
  due = "🔔 Yaqinda {date} — oʻtgan yili shu kuni gul hadya qilgansiz ({occasion}, buyurtma #{id}). Buyurtmani takrorlaymizmi?",
  ["repeat"] = "🔁 Buyurtmani takrorlash",
  stop = "🔕 Boshqa eslatmaslik",
  filled = "🛒 Savatda — rasmiylashtirishdan oldin tekshiring:",
  nothing = "Oʻsha buyurtmadagi hech narsa hozir sotuvda yoʻq, oʻrniga ham topilmadi.",
  line = "• {name} × {count}",
  line_instead = "• {name} × {count} — hozir yoʻq «{was}» oʻrniga",
  line_bouquet = "• 💐 Konstruktordan guldasta ({occasion})",
  line_missing = "• «{name}» — sotuvda yoʻq, oʻrniga topilmadi",
  to_cart = "🛒 Savat",
  refused = {
    not_found = "Bu eslatma endi amal qilmaydi.",
  },
}
