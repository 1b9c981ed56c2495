-- scripts/bot/orders.lua — (being written) see scripts/bot/router.lua for what a
-- feature module exports.
return {}
