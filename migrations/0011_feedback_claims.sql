-- Feedback asked some days after delivery, and claims a customer opens
-- soon after it (docs/schema.md, "Channel, feedback, audit").
--
-- A feedback row is made when the request falls due (rules/feedback.lua);
-- one engine process claims it (claimed_at, FOR UPDATE SKIP LOCKED) and
-- sends the question; sent_at marks that Telegram took it. A process that
-- died between the claim and the send leaves a stale claim, taken again.
ALTER TABLE feedback
    ADD COLUMN claimed_at timestamptz,
    ADD COLUMN sent_at    timestamptz;

CREATE INDEX feedback_unsent_idx ON feedback (asked_at) WHERE sent_at IS NULL;
CREATE INDEX feedback_answered_idx ON feedback (answered_at) WHERE score IS NOT NULL;
CREATE INDEX orders_delivered_at_idx ON orders (delivered_at) WHERE status = 'delivered';

-- A customer's claim about a delivered order: one per order, with the
-- photo (Telegram's file_id) and the text. Every step (opened, answered,
-- redo, refund) is also an order_events row with the status unchanged.
CREATE TABLE claims (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL UNIQUE REFERENCES orders ON DELETE CASCADE,
    customer_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    text        text NOT NULL,
    photo       text NOT NULL,
    status      text NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'answered', 'redo', 'refunded')),
    answer      text,                                   -- the shop's last answer
    decided_by  bigint REFERENCES users ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    decided_at  timestamptz
);
