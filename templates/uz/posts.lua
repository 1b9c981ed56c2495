-- templates/uz/posts.lua — the words the post templates' filters use
-- (templates/posts/*.lua hold the posts themselves).
return {
  -- {{date | date}}: "8-mart" (the month's name from checkout.month)
  date = "{day}-{month}",
}
