-- templates/ru/stock.lua — section `stock`: the staff's stock work in the
-- bot (deliveries, losses, counts, thresholds), the owner's decisions on
-- large corrections, and the alert of an item running low.
-- Keys must match templates/uz/stock.lua.
return {
  item = "{name} ({code}), на складе: {on_hand}",
  pick = "Нашлось несколько — выберите:",
  not_found = "Не нашла «{text}». Напишите код (например, S01) или часть названия.",
  bad_number = "Нужно целое число от 0 до {max}.",
  bad_cost = "Нужна цена за штуку целым числом сумов, например 12 000.",
  stopped = "Хорошо, ничего не записано.",
  threshold_usage = "Так: /threshold КОД ЧИСЛО — например, /threshold S01 20",
  corrections_none = "Поправок, ждущих решения, нет.",

  ask = {
    item = {
      incoming = "📦 Приход. Какой товар? Напишите код или часть названия.",
      loss = "🥀 Списание. Какой товар? Напишите код или часть названия.",
      correct = "🔢 Пересчёт. Какой товар? Напишите код или часть названия.",
    },
    count = "{item}\nСколько штук? (до {max})",
    counted = "{item}\nСколько насчитали на самом деле?",
    cost = "{item}\nЗакупочная цена за штуку, в сумах?",
    supplier = "{item}\nОт какого поставщика?",
    invoice = "{item}\nПришлите фото накладной или нажмите «Пропустить».",
    kind = "{item}\nПричина списания?",
    note = "{item}\nКоротко напишите, что случилось.",
  },

  kind = {
    wilted = "🥀 Завяли",
    broken = "💔 Сломаны",
    unsold = "⏳ Не проданы к концу срока",
    other = "✏️ Другое",
  },

  button = {
    stop = "✖️ Отмена",
    skip = "⏭ Пропустить",
    approve = "✅ Утвердить",
    reject = "❌ Отклонить",
  },

  done = {
    incoming = "✅ Приход записан: {name} +{count}. Теперь на складе: {on_hand}.",
    loss = "✅ Списано: {name} −{count}. Теперь на складе: {on_hand}.",
    corrected = "✅ Поправка записана: {name}, {delta}. Теперь на складе: {on_hand}.",
    unchanged = "👌 {name}: на складе {on_hand}, как и насчитали. Ничего не меняю.",
    proposed = "📝 Поправка №{id} ({name}, {delta}) больше допустимой — отправлена владельцу на утверждение. Пока на складе: {on_hand}.",
    threshold = "✅ {name}: предупреждать, когда свободно меньше {threshold}.",
    approved = "✅ Поправка №{id} утверждена: {name}, {delta}. Теперь на складе: {on_hand}.",
    rejected = "❌ Поправка №{id} отклонена: {name}, {delta}. Склад не изменился.",
  },

  state = {
    proposed = "ждёт решения",
    approved = "утверждена",
    rejected = "отклонена",
  },

  refused = {
    role = "Это могут: {roles} (и владелец).",
    not_found = "Такого товара нет.",
    below_zero = "Нельзя: {name} на складе {on_hand}, а списать нужно {count}. Меньше нуля не бывает.",
    below_reserved = "Нельзя: {name} на складе {on_hand}, из них {reserved} уже в корзинах и заказах. Свободно {free}, а нужно {count}.",
    bad_count = "Нужно целое число от 1 до {max}.",
    bad_counted = "Нужно целое число от 0 до {max}.",
    bad_cost = "Цена за штуку должна быть целым числом сумов, не больше допустимой.",
    no_supplier = "Укажите поставщика.",
    supplier_long = "Название поставщика — не длиннее {max} символов.",
    note_long = "Пояснение — не длиннее {max} символов.",
    note_needed = "Для «Другое» нужно пояснение.",
    loss_kind = "Выберите причину списания кнопкой.",
    no_correction = "Такой поправки нет.",
    decided = "Поправка уже {state}.",
    own_correction = "Свою поправку утверждает или отклоняет другой человек.",
    bad_threshold = "Порог — целое число от 0 до {max}.",
    error = "Не получилось записать. Попробуйте ещё раз чуть позже.",
  },

  low = "⚠️ Заканчивается {name} ({code}): свободно {available}, порог {threshold} (на складе {on_hand}).",
  lots = {
    title = "🥀 Стареющие партии на {date}: {count}. Пустите их в композиции или со скидкой.",
    line = "• {name} ({code}): {remaining} шт., пришли {arrived}, {left}",
    more = "…и ещё {count}.",
    left = "осталось дней: {days}",
    last = "последний день",
    over = "срок вышел {days} дн. назад",
  },
  proposal = "📝 Поправка №{id}: {name} ({code}), {delta}.\nПредложил(а): {who}. Пояснение: {note}",

  decided = {
    approved = "✅ Ваша поправка №{id} ({name}, {delta}) утверждена.",
    rejected = "❌ Ваша поправка №{id} ({name}, {delta}) отклонена.",
  },

  help = {
    florist = "Склад:\n/incoming — приход товара\n/loss — списание",
    manager = "Склад:\n/incoming — приход товара\n/loss — списание\n/correct — поправка после пересчёта\n"
           .. "/threshold <код> <число> — порог предупреждения\n/corrections — поправки на утверждение (владелец)",
  },
}
