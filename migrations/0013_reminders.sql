-- A customer's reminder before the same date next year of an order made
-- for an occasion (docs/schema.md, "Channel, feedback, audit").
--
-- One row per order, made when the customer opts in; `active` false is an
-- opt-out (kept, so a second opt-in is the same row). `due_at` is when the
-- reminder goes (rules/reminders.lua's DAYS_BEFORE before `remind_for`, at
-- SEND_HOUR in the shop's time zone). One engine process claims a due row
-- (claimed_at, FOR UPDATE SKIP LOCKED) and sends it; sent_at marks that
-- Telegram took it. A row whose `remind_for` has passed unsent (the engine
-- was down all that time) is marked skipped_at instead: a reminder after
-- the date is no use.
CREATE TABLE reminders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL UNIQUE REFERENCES orders ON DELETE CASCADE,
    customer_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    occasion    text NOT NULL,
    remind_for  date NOT NULL,            -- the same date next year
    due_at      timestamptz NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    claimed_at  timestamptz,
    sent_at     timestamptz,
    skipped_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX reminders_due_idx ON reminders (due_at)
    WHERE active AND sent_at IS NULL AND skipped_at IS NULL;
