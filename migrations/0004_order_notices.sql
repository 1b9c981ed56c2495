-- Every order_events row is a notice owed to the people concerned (the
-- florists' post, the customer's news, ...). The domain delivers it right
-- after the commit and marks it; a crash or a failed post in between
-- leaves the mark unset, and the sweep of any engine process delivers it
-- then: the notice is driven from this table, never from memory alone.
ALTER TABLE order_events
    ADD COLUMN noticed_at        timestamptz,   -- delivered to every subscriber
    ADD COLUMN notice_claimed_at timestamptz;   -- a process is delivering it now

-- What happened before notices were tracked was told at the time.
UPDATE order_events SET noticed_at = at;

CREATE INDEX order_events_unnoticed_idx ON order_events (id) WHERE noticed_at IS NULL;
