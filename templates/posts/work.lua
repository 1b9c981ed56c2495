-- templates/posts/work.lua — the caption of a finished work: the photos
-- the marketer took of a bouquet the shop made (/work), about the product
-- it is (its [Order] opens that product). The language and the values are
-- those of templates/posts/product.lua (its top lists them). With two or
-- more photos the bot adds the [Order] link as the caption's last line (an
-- album cannot carry a button): the caption and that line together must
-- fit Telegram's 1 024 characters.
return {
  ru = [[
📸 <b>Из нашей мастерской: {{name}}</b>{{#vip}} 💎{{/vip}}
{{#description}}

{{description}}
{{/description}}

Такой букет мы собрали сегодня — соберём и для вас.
💰 <b>{{price | som}}</b>
{{#prep_hours}}
⏳ Готовим {{prep_hours | plural: час/часа/часов}} — закажите заранее.
{{/prep_hours}}

<i>Гулдаста, Бухара · {{date | date}}</i>
]],

  uz = [[
📸 <b>Ustaxonamizdan: {{name}}</b>{{#vip}} 💎{{/vip}}
{{#description}}

{{description}}
{{/description}}

Bu guldastani bugun yigʻdik — sizga ham yigʻib beramiz.
💰 <b>{{price | som}}</b>
{{#prep_hours}}
⏳ {{prep_hours | plural: soat}} tayyorlanadi — oldindan buyurtma bering.
{{/prep_hours}}

<i>Guldasta, Buxoro · {{date | date}}</i>
]],

  -- Rendered at every reload in both languages; a product made at once
  -- (no prep time), not VIP, whose name's & and "…" prove the escaping.
  sample = {
    product = {
      code = "B07", name_ru = "Пионы & ранункулюсы \"Утро\"", name_uz = "Pion & ranunkulus \"Tong\"",
      description_ru = "Шляпная коробка: 15 пионов и 10 ранункулюсов.",
      description_uz = "Shlyapa qutisi: 15 ta pion va 10 ta ranunkulus.",
      price = 62000000, colour = "pink", occasions = { "wedding" }, tags = {}, vip = false, prep_minutes = 0,
    },
    date = "2026-05-15",
  },
}
