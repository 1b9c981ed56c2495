-- 0002_checkout.sql — what the purchase (cart → checkout → florist →
-- courier) needs beyond the first model: promo codes, slot capacity taken,
-- and the order's delivery options and channel posts.

-- {======================================================================
-- Promo codes
-- =======================================================================

-- A code the marketer hands out. kind 'percent': value is 1..100 (percent
-- off the items); kind 'fixed': value is tiyin off. Validity and usage are
-- checked here, in PostgreSQL; how a valid code changes the total is
-- rules/pricing.lua's business.
CREATE TABLE promo_codes (
    code         text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_-]{2,32}$'),   -- stored upper-case
    kind         text NOT NULL CHECK (kind IN ('percent', 'fixed')),
    value        bigint NOT NULL CHECK (value > 0),
    min_total    bigint NOT NULL DEFAULT 0 CHECK (min_total >= 0),      -- tiyin of items
    valid_from   timestamptz,
    valid_until  timestamptz,
    max_uses     integer CHECK (max_uses > 0),                          -- NULL = unlimited
    used         integer NOT NULL DEFAULT 0 CHECK (used >= 0),
    active       boolean NOT NULL DEFAULT true,
    created_by   bigint REFERENCES users ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'percent' OR value <= 100),
    CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from)
);

-- One use of a code, by one order. The order's transaction takes a use
-- (used + 1 where used < max_uses) and writes this row together.
CREATE TABLE promo_redemptions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL REFERENCES promo_codes ON DELETE RESTRICT,
    order_id    bigint NOT NULL UNIQUE REFERENCES orders ON DELETE CASCADE,
    user_id     bigint REFERENCES users ON DELETE SET NULL,
    at          timestamptz NOT NULL DEFAULT now()
);

-- {======================================================================
-- Slots: capacity taken
-- =======================================================================

-- Slots come from rules/slots.lua; a row is made the first time a slot is
-- booked (capacity copied from the rule, refreshed on later bookings) and
-- `taken` counts the orders holding it: booking is one UPDATE ... WHERE
-- taken < capacity, so two customers never get the last place.
ALTER TABLE delivery_slots
    ADD COLUMN taken integer NOT NULL DEFAULT 0 CHECK (taken >= 0);

-- {======================================================================
-- Orders: delivery options, channel posts, double taps
-- =======================================================================

ALTER TABLE orders
    ADD COLUMN landmark         text,                  -- moʻljal / ориентир
    ADD COLUMN surprise         boolean NOT NULL DEFAULT false,   -- no pre-call
    ADD COLUMN promo_code       text REFERENCES promo_codes ON DELETE SET NULL,
    ADD COLUMN lang             text CHECK (lang IN ('ru', 'uz')),  -- the customer's, at order time
    ADD COLUMN checkout_token   text UNIQUE,           -- one order per confirmed checkout
    ADD COLUMN florist_chat_id  bigint,                -- where the florists' post is
    ADD COLUMN florist_msg_id   bigint,
    ADD COLUMN courier_chat_id  bigint,                -- where the couriers' post is
    ADD COLUMN courier_msg_id   bigint,
    ADD COLUMN assembling_at    timestamptz,
    ADD COLUMN delivering_at    timestamptz,
    ADD COLUMN delivery_photo   text;                  -- file_id, optional proof of delivery

-- The customer's live orders, for "my orders" and cancellation.
CREATE INDEX orders_open_idx ON orders (customer_id)
    WHERE status NOT IN ('delivered', 'cancelled');
