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
  },
}
