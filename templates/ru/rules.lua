-- templates/ru/rules.lua — the words of rules/pricing.lua, rules/slots.lua
-- and rules/constructor.lua (section `rules`): names of zones, districts,
-- peak days and packaging, and the reasons a rule gives. The same keys are
-- in templates/uz/rules.lua.
return {
  zone = {
    Z1 = "Центр (старый город)",
    Z2 = "Город",
    Z3 = "Пригород (Каган, Бухарский район)",
    Z4 = "Область",
  },

  district = {
    old_city = "Старый город (Ляби-хауз, Арк)",
    city_centre = "Центр (проспект Навои, рынок)",
    microdistricts = "Микрорайоны",
    kogon = "Каган",
    galaosiyo = "Галаосиё (Бухарский район)",
    jondor = "Жондор",
    vobkent = "Вабкент",
    romitan = "Ромитан",
    gijduvon = "Гиждуван",
    qorakol = "Каракуль",
  },

  peak = {
    feb14 = "14 февраля",
    march8_eve = "канун 8 Марта",
    march8 = "8 Марта",
    navruz = "Навруз",
    teachers_day = "День учителя",
    new_year = "Новый год",
    first_school_day = "первый звонок",
    last_bell = "последний звонок",
  },

  packaging = {
    kraft = "Крафт",
    film = "Корейская упаковка",
    hatbox = "Шляпная коробка",
    basket = "Корзина",
  },

  pricing = {
    bad_input = "Не получилось посчитать цену: в заказе ошибка.",
    bad_line = "Одна из позиций заказа повреждена — уберите её и добавьте заново.",
    bad_count = "Количество должно быть целым числом от 1.",
    unknown_product = "Одного из товаров больше нет в продаже.",
    empty_bouquet = "В букете нет ни одного цветка.",
    bad_date = "Дата доставки указана неверно.",
    unknown_zone = "Такой зоны доставки нет.",
    promo_bad = "Этот промокод не подходит к заказу.",
    promo_min_total = "Промокод действует для заказа от {min} сум (без доставки).",
    bad_location = "Не удалось прочитать точку на карте. Отправьте геопозицию ещё раз.",
    too_far = "Сюда мы, к сожалению, не доставляем: адрес дальше 60 км от магазина.",
  },

  slots = {
    window = "{start}–{end}",
    bad_date = "Такой даты нет.",
    bad_time = "Не удалось узнать текущее время.",
    why = {
      past = "время прошло",
      cutoff = "уже не успеем",
      full = "мест нет",
      closed = "не работаем",
      zone = "в вашу зону — в другой день",
    },
  },

  constructor = {
    no_flowers = "В букете пока нет цветов.",
    unknown_flower = "Этого цветка больше нет в продаже.",
    not_a_flower = "Это не цветок для букета.",
    bad_count = "Количество — целое число от 1 до {max}.",
    only_greenery = "Одна зелень — это ещё не букет: добавьте цветы.",
    no_occasion = "Выберите повод.",
    unknown_occasion = "Такого повода нет — выберите из списка.",
    odd_needed = "В подарок цветы дарят нечётным числом: {count} — чётное. Сделаем {suggest}?",
    even_needed = "В траурном букете число цветов чётное: {count} — нечётное. Сделаем {suggest}?",
    odd_needed_hint = "Обычно в подарок дарят нечётное число цветов, а у вас {count}. Можно сделать {suggest}.",
    even_needed_hint = "В траурном букете обычно чётное число цветов, а у вас {count}. Можно сделать {suggest}.",
    yellow_hint = "Подсказка: некоторые считают жёлтые цветы знаком разлуки. Если сомневаетесь — добавьте другой цвет.",
    mourning_bright = "Для траурного букета обычно выбирают спокойные цвета: белый, тёмно-красный.",
    no_packaging = "Выберите упаковку.",
    unknown_packaging = "Такой упаковки нет — выберите из списка.",
    too_few_for_packaging = "Для упаковки «{packaging}» нужно не меньше {min} стеблей, а в букете {count}.",
    too_many_for_packaging = "В упаковку «{packaging}» помещается не больше {max} стеблей, а в букете {count}.",
    unknown_extra = "Этого дополнения больше нет в продаже.",
    bad_extra_count = "Дополнений одного вида — не больше {max}.",
    extra_not_fit = "«{name}» не подходит к упаковке «{packaging}».",
    card_bad_text = "Текст открытки не читается — напишите его ещё раз.",
    card_empty = "Текст открытки пустой — напишите, что на ней написать.",
    card_too_long = "Текст открытки — не больше {max} знаков, а у вас {length}. Сократите, пожалуйста.",
  },
}
