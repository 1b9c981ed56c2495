-- devkit/demo_fiscal_codes.lua — gives the demo catalog's products
-- placeholder fiscal codes, so `make demo` can offer Payme and Click (an
-- order with a product lacking its MXIK and package codes cannot be paid
-- online). Only products of the seeded catalog (codes S01, C01, E01, ...)
-- that have no codes are touched; a real shop enters its products' real
-- codes from tasnif.soliq.uz instead. Run by tools/demo.sh:
--
--   guldasta run devkit/demo_fiscal_codes.lua
local pg = require "pg"

local rows = assert(pg.query([[
  UPDATE products SET mxik_code = '0' || lpad(id::text, 16, '0'), package_code = '1000000'
   WHERE mxik_code IS NULL AND code ~ '^[SCE][0-9][0-9]$'
  RETURNING id]]))
io.stdout:write(("demo fiscal codes: %d products\n"):format(#rows))
