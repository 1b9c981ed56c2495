-- The owner's daily summary: one row per shop day, claimed by the engine
-- process that sends it, so two processes send it once and a process that
-- comes back later the same day still sends a summary nobody sent.
CREATE TABLE report_runs (
    day         date PRIMARY KEY,                   -- the shop's day (SHOP_TZ)
    claimed_at  timestamptz NOT NULL DEFAULT now(), -- retaken when stale and unsent
    sent_at     timestamptz
);

-- Reports read a range of days: orders by when they were placed, stock
-- movements by when they happened.
CREATE INDEX orders_created_idx ON orders (created_at);
CREATE INDEX inventory_log_created_idx ON inventory_log (created_at);
