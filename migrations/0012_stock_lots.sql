-- Perishable lots: what is on hand, split by the day it arrived, so sales
-- and losses take the oldest stems first and the stems near the end of
-- their vase life can be listed to the florists every morning.

-- One lot per delivery (and per correction up): the product, the shop's
-- day it arrived (SHOP_TZ) and how many of its stems are still on hand.
-- The lots of a product sum to its stock.on_hand: every change of on_hand
-- moves them in the same transaction (shop/inventory/lots.lua).
CREATE TABLE stock_lots (
    id          bigserial PRIMARY KEY,
    product_id  bigint NOT NULL REFERENCES products (id),
    arrived_on  date NOT NULL,                                -- the shop's day (SHOP_TZ)
    received    integer NOT NULL CHECK (received >= 0),       -- stems the lot began with
    remaining   integer NOT NULL CHECK (remaining >= 0 AND remaining <= received),
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- the open lots of a product, oldest first
CREATE INDEX stock_lots_open_idx ON stock_lots (product_id, arrived_on, id) WHERE remaining > 0;

-- Stock that was on hand before lots existed becomes one lot per product,
-- dated the day this migration ran: its real arrival was not recorded.
-- The day is Tashkent's (SHOP_TZ's default; a migration cannot read the
-- configuration): a shop elsewhere may see those first lots a day off.
INSERT INTO stock_lots (product_id, arrived_on, received, remaining)
SELECT product_id, (now() AT TIME ZONE 'Asia/Tashkent')::date, on_hand, on_hand
  FROM stock WHERE on_hand > 0;

-- Once-a-day jobs: one row per job and shop day, claimed by the engine
-- process that runs it, so two processes run it once and a process that
-- comes back later the same day still runs a job nobody ran.
CREATE TABLE daily_runs (
    job         text NOT NULL,
    day         date NOT NULL,                     -- the shop's day (SHOP_TZ)
    claimed_at  timestamptz NOT NULL DEFAULT now(), -- retaken when stale and unfinished
    done_at     timestamptz,
    PRIMARY KEY (job, day)
);
