-- templates/en/payments.lua — the English beside templates/ru/payments.lua
-- and templates/uz/payments.lua: Payme shows a refusal's message in the
-- payer's language and asks for ru, uz and en (payments.md 1.2). Only the
-- sentences Payme shows are here; the bot itself speaks ru and uz.
return {
  account = {
    not_found = "Order not found.",
    being_paid = "This order is being paid already. Wait for it to finish or try again later.",
    not_payable = "This order cannot be paid online: it is paid, cancelled, or paid another way.",
    no_fiscal_code = "This order cannot be paid online yet. The shop knows and will fix it soon.",
    password = "No new key given.",
  },
  error = {
    amount = "The amount differs from the order's total.",
    transaction = "Transaction not found.",
    state = "The operation is impossible in the transaction's current state.",
    delivered = "The order is delivered already; its payment cannot be cancelled.",
  },
}
