-- templates/uz/rules.lua — rules/pricing.lua, rules/slots.lua va
-- rules/constructor.lua soʻzlari (`rules` boʻlimi). Kalitlar
-- templates/ru/rules.lua bilan bir xil.
return {
  zone = {
    Z1 = "Markaz (eski shahar)",
    Z2 = "Shahar",
    Z3 = "Shahar atrofi (Kogon, Buxoro tumani)",
    Z4 = "Viloyat",
  },

  district = {
    old_city = "Eski shahar (Labi hovuz, Ark)",
    city_centre = "Markaz (Navoiy shohkoʻchasi, bozor)",
    microdistricts = "Mikrorayonlar",
    kogon = "Kogon",
    galaosiyo = "Galaosiyo (Buxoro tumani)",
    jondor = "Jondor",
    vobkent = "Vobkent",
    romitan = "Romitan",
    gijduvon = "Gʻijduvon",
    qorakol = "Qorakoʻl",
  },

  peak = {
    feb14 = "14-fevral",
    march8_eve = "8-Mart arafasi",
    march8 = "8-Mart",
    navruz = "Navroʻz",
    teachers_day = "Ustozlar kuni",
    new_year = "Yangi yil",
    first_school_day = "birinchi qoʻngʻiroq",
    last_bell = "soʻnggi qoʻngʻiroq",
  },

  packaging = {
    kraft = "Kraft",
    film = "Koreyscha qadoq",
    hatbox = "Shlyapa qutisi",
    basket = "Savat",
  },

  pricing = {
    bad_input = "Narxni hisoblab boʻlmadi: buyurtmada xato bor.",
    bad_line = "Buyurtmadagi bir pozitsiya buzilgan — uni olib tashlab, qaytadan qoʻshing.",
    bad_count = "Soni 1 dan boshlab butun son boʻlishi kerak.",
    unknown_product = "Mahsulotlardan biri endi sotuvda yoʻq.",
    empty_bouquet = "Guldastada birorta ham gul yoʻq.",
    bad_date = "Yetkazish sanasi notoʻgʻri.",
    unknown_zone = "Bunday yetkazish hududi yoʻq.",
    promo_bad = "Bu promokod buyurtmaga toʻgʻri kelmaydi.",
    promo_min_total = "Promokod kamida {min} soʻmlik (yetkazishsiz) buyurtma uchun amal qiladi.",
    bad_location = "Xaritadagi nuqtani oʻqib boʻlmadi. Joylashuvni qayta yuboring.",
    too_far = "Afsuski, bu yerga yetkazmaymiz: manzil doʻkondan 60 km dan uzoqda.",
  },

  slots = {
    window = "{start}–{end}",
    bad_date = "Bunday sana yoʻq.",
    bad_time = "Hozirgi vaqtni aniqlab boʻlmadi.",
    why = {
      past = "vaqti oʻtdi",
      cutoff = "ulgurmaymiz",
      full = "joy yoʻq",
      closed = "ishlamaymiz",
      zone = "hududingizga — boshqa kuni",
    },
  },

  constructor = {
    no_flowers = "Guldastada hali gul yoʻq.",
    unknown_flower = "Bu gul endi sotuvda yoʻq.",
    not_a_flower = "Bu guldasta uchun gul emas.",
    bad_count = "Soni — 1 dan {max} gacha butun son.",
    only_greenery = "Faqat koʻkat — hali guldasta emas: gul qoʻshing.",
    no_occasion = "Munosabatni tanlang.",
    unknown_occasion = "Bunday munosabat yoʻq — roʻyxatdan tanlang.",
    odd_needed = "Sovgʻaga gul toq sonda beriladi: {count} — juft son. {suggest} ta qilaymi?",
    even_needed = "Motam guldastasida gullar juft sonda boʻladi: {count} — toq son. {suggest} ta qilaymi?",
    odd_needed_hint = "Odatda sovgʻaga toq sonli gul beriladi, sizda esa {count} ta. {suggest} ta qilsa boʻladi.",
    even_needed_hint = "Motam guldastasida odatda gullar juft boʻladi, sizda esa {count} ta. {suggest} ta qilsa boʻladi.",
    yellow_hint = "Maslahat: baʼzilar sariq gulni ayriliq belgisi deb biladi. Ikkilansangiz, boshqa rang qoʻshing.",
    mourning_bright = "Motam guldastasi uchun odatda sokin ranglar tanlanadi: oq, toʻq qizil.",
    no_packaging = "Qadoqni tanlang.",
    unknown_packaging = "Bunday qadoq yoʻq — roʻyxatdan tanlang.",
    too_few_for_packaging = "“{packaging}” qadogʻi uchun kamida {min} ta poya kerak, guldastada esa {count} ta.",
    too_many_for_packaging = "“{packaging}” qadogʻiga koʻpi bilan {max} ta poya sigʻadi, guldastada esa {count} ta.",
    unknown_extra = "Bu qoʻshimcha endi sotuvda yoʻq.",
    bad_extra_count = "Bir turdagi qoʻshimcha — koʻpi bilan {max} ta.",
    extra_not_fit = "“{name}” “{packaging}” qadogʻiga toʻgʻri kelmaydi.",
    card_bad_text = "Tabriknoma matnini oʻqib boʻlmadi — qaytadan yozing.",
    card_empty = "Tabriknoma matni boʻsh — unga nima yozishni yozing.",
    card_too_long = "Tabriknoma matni {max} belgidan oshmasligi kerak, sizda {length} ta. Qisqartiring, iltimos.",
  },
}
