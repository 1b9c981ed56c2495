-- templates/ru/payments.lua — section `payments`: what Payme and Click show
-- the payer when we refuse a payment, the fiscal receipt's words, and the
-- cancellation reason a refund writes. Keys must match
-- templates/uz/payments.lua (and templates/en/payments.lua, which Payme's
-- localized messages need besides ours).
return {
  account = {
    not_found = "Заказ не найден.",
    being_paid = "Этот заказ уже оплачивается. Дождитесь окончания или попробуйте позже.",
    not_payable = "Этот заказ нельзя оплатить онлайн: он уже оплачен, отменён или оплачивается иначе.",
    no_fiscal_code = "Этот заказ пока нельзя оплатить онлайн. Магазин уже знает и скоро это исправит.",
    password = "Не указан новый ключ.",
  },
  error = {
    amount = "Сумма не совпадает с суммой заказа.",
    transaction = "Транзакция не найдена.",
    state = "Операцию нельзя выполнить в текущем состоянии транзакции.",
    delivered = "Заказ уже доставлен, отменить оплату нельзя.",
  },
  fiscal = {
    shipping = "Доставка",
  },
  cancel_reason = {
    refunded = "Оплата возвращена через {provider}",
    hold_expired = "Время на оплату истекло",
  },
  pay = {
    button = "💳 Оплатить {total} через {provider}",
    cash = "💵 Лучше наличными курьеру",
    failed = "⚠️ Оплата заказа #{id} не прошла. Можно попробовать ещё раз или оплатить наличными курьеру.",
    waiting = "⏳ Заказ #{id} ждёт оплаты: {total}.",
    to_cash = "💵 Хорошо: заказ #{id} вы оплатите наличными курьеру ({total}). Заказ передан флористу.",
    being_paid = "Оплата этого заказа уже идёт. Дождитесь её окончания или попробуйте позже.",
    already_paid = "Этот заказ уже оплачен.",
    gone = "Этот заказ уже нельзя оплатить.",
    refund_owed = "Деньги за заказ вернёт бухгалтер магазина.",
  },
  owner = {
    no_fiscal_code = "⚠️ Заказ #{id} нельзя оплатить онлайн: у товаров нет кода ИКПУ (MXIK) или кода упаковки: {products}. Добавьте коды в каталог — без них Payme и Click не примут оплату.",
  },
  report = {
    title = "💰 Платежи за {date}",
    none = "Платежей не было.",
    more = "… и ещё {count} — все есть в CSV",
    payment = "#{order} · {provider} · {state} · {amount}",
    state = {
      created = "создан",
      performed = "оплачен",
      cancelled = "отменён",
      refunded = "возвращён",
    },
    owed_title = "↩️ Вернуть покупателям:",
    owed = "#{order} · {provider} · {amount} · {reason}",
    owed_by_owner = "Возврат отмечает владелец магазина, когда деньги вернулись.",
    owed_none = "Возвратов к выполнению нет.",
    mismatch_title = "⚠️ Расхождения:",
    mismatch = {
      performed_unpaid = "#{order}: транзакция {provider} проведена, а заказ не оплачен",
      paid_untracked = "#{order}: заказ оплачен онлайн, но проведённой транзакции нет",
      amount = "#{order}: сумма транзакции {amount} не равна сумме заказа {total}",
      stuck = "#{order}: транзакция {provider} зависла в состоянии «создана»",
    },
    mismatch_none = "Расхождений нет.",
    rate = "📉 Неудачные оплаты: {percent}% ({failed} из {finished}), цель — меньше {target}%",
    rate_none = "📉 Завершённых оплат нет (цель — меньше {target}%)",
    settle_button = "✅ Вернули по заказу #{order}",
    settled = "Возврат по заказу #{order} отмечен.",
    not_owed = "По заказу #{order} возврат не числится.",
    csv_button = "📄 CSV за {date}",
    csv_caption = "Платежи и возвраты с {from} по {to}: строк — {count}.",
    bad_date = "Дату пишите так: /payments 2026-03-08",
    csv_usage = "Период пишите так: /payments_csv 2026-03-01 2026-03-31 (начало не позже конца).",
  },
}
