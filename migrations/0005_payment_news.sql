-- 0005_payment_news.sql — a failed payment attempt is news the customer is
-- owed ("it did not go through: try again, or pay in cash"). It changes no
-- order state, so no order_events row carries it: the attempt's own row
-- does. The domain delivers it right after the commit and marks it; a crash
-- or a failed message in between leaves the mark unset, and the sweep of
-- any engine process delivers it then (as order_events' notices, 0004).
ALTER TABLE payments
    ADD COLUMN news_at         timestamptz,   -- the customer was told (or nothing was owed)
    ADD COLUMN news_claimed_at timestamptz;   -- a process is telling it now

-- Attempts that ended before this was tracked were not news then.
UPDATE payments SET news_at = now() WHERE state <> 'created';

CREATE INDEX payments_news_idx ON payments (cancel_time) WHERE news_at IS NULL AND state = 'cancelled';
