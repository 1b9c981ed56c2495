-- templates/posts/product.lua — the channel post of one product: its
-- caption under the photo, in Russian and Uzbek. The marketer edits the
-- texts below; the running bot picks the change up like a rule (README.md,
-- "Post templates"), after rendering `sample` in both languages: a
-- template that does not render, or renders a caption over Telegram's
-- 1 024 characters, is refused and the previous one keeps serving.
--
-- The language (scripts/shop/posts/template.lua):
--   {{name}}                     a value, escaped for Telegram's HTML
--   {{price | som}}              tiyin as "350 000 сум"
--   {{date | date}}              "YYYY-MM-DD" as "8 марта"
--   {{prep_hours | plural: час/часа/часов}}   "24 часа" (one/few/many)
--   {{#list}}…{{/list}}          once per item ({{.}} the item;
--                                {{^@last}}, {{/@last}} between items)
--   {{#name}}…{{/name}}          when name is set (not false, 0 or empty)
--   {{^name}}…{{/name}}          when it is not
--   <b> <i> <u> <s> <a href="…"> <code> <blockquote>   Telegram's tags
--   &amp; &lt; &gt;              a literal &, < or > in the text
--
-- The values: name, description, price (tiyin), vip, code, colours and
-- occasions (lists of words), colour_count, occasion_count, prep_hours
-- (0 when made at once), in_season, date (the day of the post).
return {
  ru = [[
<b>{{name}}</b>{{#vip}} 💎{{/vip}}
{{#description}}

{{description}}
{{/description}}

💰 <b>{{price | som}}</b>
{{#colour_count}}
🎨 {{#colours}}{{.}}{{^@last}}, {{/@last}}{{/colours}}
{{/colour_count}}
{{#occasion_count}}
🎁 Повод: {{#occasions}}{{.}}{{^@last}}, {{/@last}}{{/occasions}}
{{/occasion_count}}
{{#prep_hours}}
⏳ Готовим {{prep_hours | plural: час/часа/часов}} — закажите заранее.
{{/prep_hours}}
{{^in_season}}
🌱 Сейчас не сезон: спросите нас о замене.
{{/in_season}}

<i>Гулдаста, Бухара · {{date | date}}</i>
]],

  uz = [[
<b>{{name}}</b>{{#vip}} 💎{{/vip}}
{{#description}}

{{description}}
{{/description}}

💰 <b>{{price | som}}</b>
{{#colour_count}}
🎨 {{#colours}}{{.}}{{^@last}}, {{/@last}}{{/colours}}
{{/colour_count}}
{{#occasion_count}}
🎁 Munosabat: {{#occasions}}{{.}}{{^@last}}, {{/@last}}{{/occasions}}
{{/occasion_count}}
{{#prep_hours}}
⏳ {{prep_hours | plural: soat}} tayyorlanadi — oldindan buyurtma bering.
{{/prep_hours}}
{{^in_season}}
🌱 Hozir mavsum emas: oʻrniga nima borligini soʻrang.
{{/in_season}}

<i>Guldasta, Buxoro · {{date | date}}</i>
]],

  -- What the template is rendered with at every reload: a product as the
  -- catalog holds it. The name's & and <…> prove the escaping.
  sample = {
    product = {
      code = "C01", name_ru = "Розы & эвкалипт <премиум>", name_uz = "Atirgul & evkalipt <premium>",
      description_ru = "25 красных роз с эвкалиптом в крафте.",
      description_uz = "Kraftdagi 25 ta qizil atirgul va evkalipt.",
      price = 45000000, colour = "red, white", occasions = { "birthday", "love" },
      tags = { "premium" }, vip = true, prep_minutes = 1440,
    },
    date = "2026-03-08",
  },
}
