-- templates/uz/orders.lua — section `orders` in Uzbek (Latin, with ʻ).
-- Keys must match templates/ru/orders.lua.
return {
  title = "📦 Buyurtmalaringiz (ochish uchun bosing):",
  empty = "Sizda hali buyurtma yoʻq. Katalogga koʻz tashlang!",
  item = "#{id} · {date} · {status} · {price}",
  back = "⬅️ Buyurtmalarga",
  not_found = "Sizda bunday buyurtma yoʻq.",
  detail = {
    title = "📦 Buyurtma #{id} — {status}",
    slot = "📅 Yetkazish: {slot}",
    recipient = "👤 Oluvchi: {name}, {phone}",
    address = "🏠 Manzil: {address}",
    items = "Tarkibi:",
    card = "💌 Tabriknoma: «{text}»",
    total = "💰 Summa: {price}",
    cancel_reason = "Bekor qilish sababi: {reason}",
  },
  cancel = "❌ Buyurtmani bekor qilish",
  cancel_confirm = "Buyurtma #{id} bekor qilinsinmi? Florist uni hali olmagan, hammasi avvalgidek qaytadi.",
  cancel_yes = "Ha, bekor qilish",
  cancel_no = "Yoʻq",
  cancelled = "Buyurtma #{id} bekor qilindi.",
  comment_prompt = "💬 Guldasta haqida floristga aytmoqchi boʻlgan gapingizni bitta xabarda yozing (buyurtma #{id}):",
  comment_too_long = "Juda uzun: {max} belgidan oshmasin. Qisqaroq yozing.",
  comment_sent = "Rahmat! Floristga yetkazdik.",
}
