-- 0003_payments.sql — what online payments (Payme's Merchant API, Click's
-- SHOP API) need beyond the `payments` table of 0001: the provider's own
-- state and times in milliseconds as the providers read them back, our
-- answer to the call that made the transaction, every call a provider made
-- (forged ones included), the money owed back, the current Payme key, and
-- notices for the owner.
--
-- `payments.state` keeps its words (created, performed, cancelled,
-- refunded); `provider_state` is the same in Payme's numbers (1, 2, -1,
-- -2), and Click's prepared / completed / cancelled are 1 / 2 / -1. The
-- `*_ms` columns are what the providers see, stored once and answered the
-- same on every repeat (a regenerated time on a retry fails Payme's check);
-- the timestamptz columns of 0001 carry the same instants for people.
-- UNIQUE (provider, provider_tx_id) of 0001 already lets a provider's
-- transaction id appear once.

ALTER TABLE payments
    ADD COLUMN provider_state smallint NOT NULL DEFAULT 1 CHECK (provider_state IN (1, 2, -1, -2)),
    ADD COLUMN provider_ms    bigint,                 -- Payme `time` (GetStatement, the 12 h timeout)
    ADD COLUMN create_ms      bigint NOT NULL DEFAULT (extract(epoch FROM now()) * 1000)::bigint,
    ADD COLUMN perform_ms     bigint,
    ADD COLUMN cancel_ms      bigint,
    ADD COLUMN account        jsonb,                  -- the account object as the provider sent it
    ADD COLUMN answer         jsonb;                  -- our answer to the call that created it

-- One unfinished attempt per order, whatever the provider: a second one is
-- refused, or the first is cancelled before the second is written.
CREATE UNIQUE INDEX payments_one_created_idx ON payments (order_id) WHERE state = 'created';
CREATE INDEX payments_perform_idx ON payments (perform_ms) WHERE perform_ms IS NOT NULL;

-- Every call a provider made to us, as it came and as we answered, with
-- the caller's address and how long we took. `authentic` is false for a
-- call whose key or signature did not check: such a call changes nothing
-- and is kept here for the investigation. No credentials are stored (the
-- Authorization header is not).
CREATE TABLE payment_calls (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider        text NOT NULL CHECK (provider IN ('payme', 'click')),
    method          text,                         -- Payme method; Click prepare | complete
    provider_tx_id  text,
    order_id        bigint,                       -- as the call named it: no foreign key
    remote          text NOT NULL,                -- ip:port of the caller
    authentic       boolean NOT NULL,
    request         text NOT NULL,                -- the body as received
    answer          jsonb NOT NULL,
    error           integer,                      -- the error code we answered, NULL for success
    received_ms     bigint NOT NULL,
    duration_ms     double precision NOT NULL,
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_calls_tx_idx ON payment_calls (provider, provider_tx_id);
CREATE INDEX payment_calls_at_idx ON payment_calls (at);
CREATE INDEX payment_calls_forged_idx ON payment_calls (at) WHERE NOT authentic;

-- Money the shop owes a customer back by hand (the accountant's task): a
-- paid order cancelled on our side whose provider does not return it by
-- itself (Click, cash). A refund made by Payme's cancel-after-perform is a
-- `refunded` payment, not a row here.
CREATE TABLE refunds_owed (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL UNIQUE REFERENCES orders ON DELETE RESTRICT,
    payment_id  bigint REFERENCES payments ON DELETE RESTRICT,
    provider    text NOT NULL CHECK (provider IN ('payme', 'click', 'cash')),
    amount      bigint NOT NULL CHECK (amount > 0),     -- tiyin
    reason      text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    settled_at  timestamptz,
    settled_by  bigint REFERENCES users ON DELETE SET NULL
);
CREATE INDEX refunds_owed_open_idx ON refunds_owed (created_at) WHERE settled_at IS NULL;

-- Settings the providers change at run time: Payme's ChangePassword pushes
-- a new key. `replaces` is the PAYME_KEY of the configuration the new key
-- replaced: when the owner sets another PAYME_KEY, that one counts again.
CREATE TABLE payment_settings (
    name        text PRIMARY KEY,
    value       text NOT NULL,
    replaces    text,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Facts the owner must hear about (an order refused online payment because
-- a product has no MXIK code, ...): written by the payments, shown by the
-- bot, which sets told_at. Once per order and kind.
CREATE TABLE payment_notices (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
    kind        text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    told_at     timestamptz,
    UNIQUE (order_id, kind)
);
CREATE INDEX payment_notices_untold_idx ON payment_notices (created_at) WHERE told_at IS NULL;
