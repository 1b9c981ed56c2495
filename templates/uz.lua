-- templates/uz.lua — every sentence the bot says in Uzbek (Latin script).
-- Keys must match templates/ru.lua exactly (spec/templates_spec.lua checks).
-- Uzbek nouns do not change after numbers, so all plural forms are the same.
return {
  currency = "so'm",
  error = {
    generic = "Kechirasiz, nimadir xato ketdi. Birozdan so'ng qayta urinib ko'ring.",
  },
  unit = {
    stem = { one = "dona", few = "dona", many = "dona" },
  },
}
