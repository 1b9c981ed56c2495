-- Stock operations beyond sale and return: a delivery received (what it
-- cost, from whom, the invoice's photo), a loss and its kind, and the
-- crossing of an item's alert threshold.

-- What an 'incoming' row paid and to whom, and what kind of 'loss' a loss
-- row was; NULL on the other reasons.
ALTER TABLE inventory_log
    ADD COLUMN unit_cost       bigint CHECK (unit_cost >= 0),   -- tiyin per unit, incoming
    ADD COLUMN supplier        text,                             -- incoming
    ADD COLUMN invoice_file_id text,                             -- Telegram file_id of the invoice photo
    ADD COLUMN loss_kind       text CHECK (loss_kind IN ('wilted', 'broken', 'unsold', 'other')),
    ADD CONSTRAINT inventory_log_loss_kind_only_on_loss CHECK (loss_kind IS NULL OR reason = 'loss'),
    ADD CONSTRAINT inventory_log_cost_only_on_incoming
        CHECK ((unit_cost IS NULL AND supplier IS NULL AND invoice_file_id IS NULL) OR reason = 'incoming');

-- Set when the item's available stock (on hand minus reserved) went below
-- its threshold and the alert went out; cleared when it is back at or
-- above. One alert per crossing, whichever engine process sees it.
ALTER TABLE stock
    ADD COLUMN low_since timestamptz;
