-- templates/ru/flow.lua — section `flow`: an order after it is placed.
-- The posts in the florists' channel and the couriers' group (in the staff
-- language of rules/orders.lua), the courier's route card, the customer's
-- news at every step, and the refusals of a move that is not allowed.
-- Keys must match templates/uz/flow.lua.
return {
  status = {
    new = "новый",
    pending = "ждёт оплаты",
    paid = "оплачен",
    accepted = "принят флористом",
    assembling = "собирается",
    ready = "готов",
    delivering = "в пути",
    delivered = "доставлен",
    cancelled = "отменён",
  },

  slot = "{date}, {from}–{to}",
  slot_day = "{date}",
  slot_none = "дата не выбрана",
  code = "{code}",

  item = {
    line = "• {name} × {count}",
    bouquet = "💐 Букет из конструктора №{n}:",
    part = "   – {name} × {count}",
    card = "   💌 Открытка (дословно): «{text}»",
  },

  escalate = "⏰ Заказ #{id} ждёт флориста уже {minutes} мин. Откройте канал флористов.",
  post = {
    title = "🆕 Заказ #{id}",
    slot = "📅 {slot}",
    zone = "📍 Зона: {zone}",
    occasion = "🎉 Повод: {occasion}",
    items = "Состав:",
    card = "💌 Открытка (дословно): «{text}»",
    surprise = "🤫 Сюрприз: получателю заранее не звонить",
    note = "📝 Пожелание клиента: {text}",
    total = "💰 Сумма: {price}",
    state = {
      waiting = "⏳ Ждёт флориста",
      accepted = "✅ Принял(а): {name}",
      assembling = "🛠 Собирает: {name}",
      ready = "📸 Готов, фото у клиента. Флорист: {name}",
      delivering = "🚗 Везёт курьер: {name}",
      delivered = "🏁 Доставлен",
      cancelled = "❌ Отменён. Причина: {reason}",
      cancelled_by_customer = "❌ Отменён клиентом",
    },
  },

  button = {
    accept = "✋ Принять заказ",
    assembling = "🛠 Начинаю собирать",
    ready = "📸 Готов (с фото)",
    cancel = "❌ Отменить (менеджер)",
    take = "🚗 Беру доставку",
    delivered = "✅ Доставлен",
    delivered_photo = "📷 Доставлен, пришлю фото",
    comment = "💬 Комментарий к букету",
    stop_waiting = "✖️ Отмена",
  },

  courier = {
    title = "🚚 Заказ #{id} готов к доставке",
    title_taken = "🚚 Заказ #{id}",
    waiting = "⏳ Ждёт курьера",
    taken = "🚗 Взял(а): {name}",
  },

  route = {
    title = "🚗 Заказ #{id} — ваш. Куда и кому:",
    recipient = "👤 Получатель: {name}, 📞 {phone}",
    address = "🏠 Адрес: {address}",
    landmark = "🧭 Ориентир: {text}",
    map = "🗺 Точка на карте: {lat}, {lon} — https://maps.google.com/?q={lat},{lon}",
    surprise = "🤫 Сюрприз: заранее не звонить, позвонить только у двери, если не открывают",
    call_first = "📞 Позвоните получателю заранее и договоритесь о времени",
    anonymous = "🕶 Анонимно: отправителя не называть",
    sender = "🙋 Отправитель: {name}",
    cash = "💵 Получить наличными: {price}",
    extra_cash = "💵 Доплата наличными за замену: {price}",
  },

  customer = {
    paid = "✅ Оплата заказа #{id} получена. Заказ передан флористу — мы напишем на каждом шаге.",
    accepted = "✅ Заказ #{id} принят: флорист скоро начнёт собирать ваш букет.",
    assembling = "🛠 Флорист собирает ваш букет (заказ #{id}).",
    ready = "📸 Ваш букет готов (заказ #{id}) — вот он! Скоро его заберёт курьер. Если что-то не так, напишите комментарий.",
    delivering = "🚗 Курьер уже везёт заказ #{id}. Доставка: {slot}.",
    delivered = "🏁 Заказ #{id} доставлен. Спасибо, что выбрали нас!",
    cancelled = "❌ Заказ #{id} отменён магазином. Причина: {reason}",
  },

  done = {
    accepted = "✅ Заказ #{id} ваш!",
    assembling = "🛠 Отмечено: собираете заказ #{id}",
    ready = "📸 Заказ #{id} готов, фото у клиента",
    delivering = "🚗 Заказ #{id} ваш. Адрес — в личном чате с ботом",
    delivered = "🏁 Заказ #{id} доставлен. Спасибо!",
    cancelled = "❌ Заказ #{id} отменён",
  },

  ask_photo = "📸 Пришлите сюда фото готового букета для заказа #{id} — клиент его увидит.",
  ask_photo_toast = "📸 Пришлите фото букета в личном чате с ботом",
  photo_waiting = "Жду фото для заказа #{id}. Пришлите фотографию или нажмите «Отмена».",
  photo_saved = "✅ Фото отправлено клиенту. Заказ #{id} готов и передан курьерам.",
  photo_stop = "Хорошо, фото больше не жду.",
  open_bot = "Сначала откройте личный чат с ботом и нажмите /start",
  ask_pod = "📷 Пришлите фото вручения для заказа #{id} — или нажмите «Доставлен» без фото.",
  pod_saved = "✅ Спасибо! Заказ #{id} доставлен, фото у клиента.",
  ask_reason = "Напишите причину отмены заказа #{id} (её увидит клиент):",
  ask_reason_toast = "Причину отмены напишите в личном чате с ботом",
  cancel_usage = "Как отменить заказ: /cancel_order <номер> <причина>",
  cancelled = "❌ Заказ #{id} отменён. Склад и слот возвращены.",
  cancelled_loss = "❌ Заказ #{id} отменён. Букет уже собирали: его цветы списаны как потеря, слот освобождён.",
  -- to the order's florist or courier, privately
  cancel_notice = {
    title = "❌ Заказ #{id} отменён. Причина: {reason}",
    florist_stop = "Собирать его не нужно: цветы остаются на складе.",
    florist_loss = "Букет больше не нужен: его цветы списаны как потеря.",
    courier_back = "Не доставляйте его: верните букет в магазин.",
  },
  comment_forward = "💬 Комментарий клиента к заказу #{id}:\n{text}",

  assign = {
    usage = "Так: /assign НОМЕР florist|courier TG_ID — отдать заказ, который ещё ничей; /reassign НОМЕР florist|courier TG_ID — передать заказ от одного сотрудника другому.",
    unknown_person = "Человека с Telegram id {tg_id} бот не знает: пусть сначала напишет боту /start.",
    done = {
      florist = "✅ Заказ #{id} у флориста {name}. Статус: {status}.",
      courier = "✅ Заказ #{id} у курьера {name}. Статус: {status}.",
    },
    told = {
      florist = "📋 Вам назначен заказ #{id} (собрать букет). Статус: {status}.",
      courier = "🚚 Вам назначен заказ #{id} (доставить). Статус: {status}.",
    },
    taken_away = "Заказ #{id} передан другому сотруднику: больше им заниматься не нужно.",
  },

  refused = {
    assigned = "Заказ уже у этого сотрудника ({name}).",
    not_staff = "У этого человека нет роли {role}.",
    not_found = "Такого заказа нет.",
    illegal = "Сейчас так нельзя: заказ {status}.",
    already = "Заказ уже {status}.",
    role = "Это действие не для вашей роли.",
    not_yours = "Это заказ другого сотрудника ({name}).",
    taken = "Заказ уже взял(а) {name}.",
    photo_needed = "Сначала пришлите фото готового букета.",
    too_late = "Заказ уже у флориста — отменить его может только магазин. Напишите нам.",
    reason_needed = "Нужна причина отмены: от {min} до {max} символов.",
    short = "На складе не хватает: {name}. Поправьте остаток или отмените заказ.",
    error = "Не получилось, попробуйте ещё раз.",
  },
}
