-- templates/ru.lua — every sentence the bot says in Russian.
-- Keys must match templates/uz.lua exactly (spec/templates_spec.lua checks).
-- Plural forms are tables {one, few, many}: 1 роза, 2 розы, 5 роз.
return {
  currency = "сум",
  error = {
    generic = "Извините, что-то пошло не так. Попробуйте ещё раз чуть позже.",
  },
  unit = {
    stem = { one = "стебель", few = "стебля", many = "стеблей" },
  },
}
