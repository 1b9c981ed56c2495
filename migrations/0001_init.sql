-- 0001_init.sql — the whole data model of DESIGN.md section 3.
--
-- Conventions, so that nobody has to guess:
--   * money is bigint tiyin (1 so'm = 100 tiyin), never numeric or float;
--   * times are timestamptz; the shop's zone (Asia/Tashkent) is applied when
--     showing them, never when storing them;
--   * enums are text + CHECK: adding a value is one ALTER, and the value
--     reads the same in SQL, Lua and logs;
--   * phones are stored E.164 (+998901234567), normalised by the app;
--   * ids are bigint identity. Catalog rows also have an optional `code`
--     (S01, C01, E01 ...) so the seed can upsert by a stable name.
-- The migrator wraps this file in a transaction and records it in
-- schema_migrations; no BEGIN/COMMIT here.

-- {======================================================================
-- People
-- =======================================================================

-- Everyone who ever talked to the bot: customers and staff alike.
CREATE TABLE users (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tg_id       bigint NOT NULL UNIQUE,
    name        text,
    username    text,
    phone       text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    lang        text CHECK (lang IN ('ru', 'uz')),  -- NULL until chosen
    preferences jsonb NOT NULL DEFAULT '{}',        -- colours, flowers: for recommendations
    blocked_at  timestamptz,                        -- user blocked the bot (403): stop messaging
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Who may do what. A user without rows here is a plain client.
CREATE TABLE user_roles (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('client', 'florist', 'courier', 'owner',
                                              'manager', 'accountant', 'marketing')),
    granted_by  bigint REFERENCES users ON DELETE SET NULL,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, role)
);
CREATE INDEX user_roles_role_idx ON user_roles (role);

-- {======================================================================
-- Catalog and stock
-- =======================================================================

-- Catalog tree: a category with parent_id is a subcategory.
CREATE TABLE categories (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text UNIQUE,
    parent_id   bigint REFERENCES categories ON DELETE RESTRICT,
    name_ru     text NOT NULL,
    name_uz     text NOT NULL,
    sort        integer NOT NULL DEFAULT 0,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id <> id)
);
CREATE INDEX categories_parent_idx ON categories (parent_id);

-- What the shop sells: single stems, ready compositions, and extras.
CREATE TABLE products (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code           text UNIQUE,
    category_id    bigint REFERENCES categories ON DELETE RESTRICT,
    kind           text NOT NULL CHECK (kind IN ('stem', 'composition', 'extra')),
    name_ru        text NOT NULL,
    name_uz        text NOT NULL,
    description_ru text,
    description_uz text,
    price          bigint NOT NULL CHECK (price >= 0),          -- tiyin, normal day
    colour         text,
    tags           text[] NOT NULL DEFAULT '{}',
    occasions      text[] NOT NULL DEFAULT '{}',
    vip            boolean NOT NULL DEFAULT false,
    prep_minutes   integer NOT NULL DEFAULT 0 CHECK (prep_minutes >= 0),  -- lead time (R-B6)
    photo_file_id  text,                                        -- Telegram file_id cache
    media_key      text,                                        -- our own copy of the photo
    active         boolean NOT NULL DEFAULT true,
    -- Fiscal receipt data (R-F2..F4). Without both codes no online payment.
    mxik_code      text CHECK (mxik_code ~ '^[0-9]{17}$'),
    package_code   text CHECK (package_code ~ '^[0-9]+$'),
    vat_percent    smallint CHECK (vat_percent BETWEEN 0 AND 100),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category_idx ON products (category_id);
CREATE INDEX products_kind_idx ON products (kind) WHERE active;

-- Recipe of a composition: which stems and extras, how many. Selling the
-- composition writes off stock of these parts.
CREATE TABLE composition_items (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    composition_id bigint NOT NULL REFERENCES products ON DELETE CASCADE,
    component_id   bigint NOT NULL REFERENCES products ON DELETE RESTRICT,
    count          integer NOT NULL CHECK (count > 0),
    UNIQUE (composition_id, component_id),
    CHECK (composition_id <> component_id)
);
CREATE INDEX composition_items_component_idx ON composition_items (component_id);

-- Units on hand per product (one row per product, hence its key). Carts
-- reserve in Redis; this is what is physically in the shop.
CREATE TABLE stock (
    product_id  bigint PRIMARY KEY REFERENCES products ON DELETE CASCADE,
    on_hand     integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    threshold   integer NOT NULL DEFAULT 0 CHECK (threshold >= 0),  -- alert below (R-I7)
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Large corrections need two people: one proposes, another approves.
CREATE TABLE stock_corrections (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id   bigint NOT NULL REFERENCES products ON DELETE RESTRICT,
    delta        integer NOT NULL CHECK (delta <> 0),
    note         text,
    state        text NOT NULL DEFAULT 'proposed'
                 CHECK (state IN ('proposed', 'approved', 'rejected')),
    proposed_by  bigint REFERENCES users ON DELETE SET NULL,
    approved_by  bigint REFERENCES users ON DELETE SET NULL,  -- or rejected by
    created_at   timestamptz NOT NULL DEFAULT now(),
    decided_at   timestamptz,
    CHECK (approved_by IS NULL OR approved_by IS DISTINCT FROM proposed_by),
    CHECK ((state = 'proposed') = (decided_at IS NULL))
);
CREATE INDEX stock_corrections_pending_idx ON stock_corrections (created_at)
    WHERE state = 'proposed';

-- {======================================================================
-- Orders
-- =======================================================================

-- Delivery windows with a capacity (local shop time). Rules may also
-- generate slots; an order then keeps only its date and times.
CREATE TABLE delivery_slots (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    date        date NOT NULL,
    start_time  time NOT NULL,
    end_time    time NOT NULL,
    capacity    integer NOT NULL CHECK (capacity >= 0),
    UNIQUE (date, start_time),
    CHECK (end_time > start_time)
);

-- One customer order, from cart to delivery. Totals are tiyin; breakdown
-- says how the total was reached (items, surcharges, delivery, discount).
CREATE TABLE orders (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id      bigint NOT NULL REFERENCES users ON DELETE RESTRICT,
    status           text NOT NULL DEFAULT 'new'
                     CHECK (status IN ('new', 'pending', 'paid', 'accepted', 'assembling',
                                       'ready', 'delivering', 'delivered', 'cancelled')),
    items_total      bigint NOT NULL DEFAULT 0 CHECK (items_total >= 0),
    delivery_fee     bigint NOT NULL DEFAULT 0 CHECK (delivery_fee >= 0),
    discount         bigint NOT NULL DEFAULT 0 CHECK (discount >= 0),
    total            bigint NOT NULL DEFAULT 0 CHECK (total >= 0),
    breakdown        jsonb NOT NULL DEFAULT '{}',
    occasion         text,
    recipient_name   text,
    recipient_phone  text CHECK (recipient_phone ~ '^\+[1-9][0-9]{6,14}$'),
    address          text,
    lat              double precision CHECK (lat BETWEEN -90 AND 90),
    lon              double precision CHECK (lon BETWEEN -180 AND 180),
    zone             text,
    delivery_date    date,
    slot_id          bigint REFERENCES delivery_slots ON DELETE SET NULL,
    slot_start       time,
    slot_end         time,
    anonymous        boolean NOT NULL DEFAULT false,
    card_text        text,
    note             text,                      -- customer's note to florist/courier
    payment_method   text CHECK (payment_method IN ('payme', 'click', 'cash')),
    payment_status   text NOT NULL DEFAULT 'unpaid'
                     CHECK (payment_status IN ('unpaid', 'pending', 'paid',
                                               'refund_pending', 'refunded')),
    florist_id       bigint REFERENCES users ON DELETE SET NULL,
    courier_id       bigint REFERENCES users ON DELETE SET NULL,
    bouquet_photo    text,                      -- file_id of the photo sent at `ready`
    cancel_reason    text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    paid_at          timestamptz,
    accepted_at      timestamptz,
    ready_at         timestamptz,
    delivered_at     timestamptz,
    cancelled_at     timestamptz,
    CHECK (slot_end IS NULL OR slot_start IS NULL OR slot_end > slot_start)
);
CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC);
CREATE INDEX orders_delivery_idx ON orders (delivery_date, slot_start)
    WHERE status NOT IN ('delivered', 'cancelled');
CREATE INDEX orders_florist_idx ON orders (florist_id) WHERE florist_id IS NOT NULL;
CREATE INDEX orders_courier_idx ON orders (courier_id) WHERE courier_id IS NOT NULL;

-- Lines of an order, with the unit price frozen at order time.
CREATE TABLE order_items (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
    product_id  bigint NOT NULL REFERENCES products ON DELETE RESTRICT,
    count       integer NOT NULL CHECK (count > 0),
    unit_price  bigint NOT NULL CHECK (unit_price >= 0),   -- tiyin
    options     jsonb NOT NULL DEFAULT '{}'                -- constructor choices, wrap, ...
);
CREATE INDEX order_items_order_idx ON order_items (order_id);
CREATE INDEX order_items_product_idx ON order_items (product_id);

-- Audit of every status transition (from_status NULL = creation).
CREATE TABLE order_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
    from_status text CHECK (from_status IN ('new', 'pending', 'paid', 'accepted', 'assembling',
                                            'ready', 'delivering', 'delivered', 'cancelled')),
    to_status   text NOT NULL
                CHECK (to_status IN ('new', 'pending', 'paid', 'accepted', 'assembling',
                                     'ready', 'delivering', 'delivered', 'cancelled')),
    actor_id    bigint REFERENCES users ON DELETE SET NULL,  -- NULL = system (timer, provider)
    note        text,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order_idx ON order_events (order_id, at);

-- Every stock movement, signed: incoming > 0, sale/loss < 0, and so on.
-- Sum of delta per product explains stock.on_hand.
CREATE TABLE inventory_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id    bigint NOT NULL REFERENCES products ON DELETE RESTRICT,
    delta         integer NOT NULL CHECK (delta <> 0),
    reason        text NOT NULL
                  CHECK (reason IN ('incoming', 'sale', 'loss', 'correction', 'return')),
    order_id      bigint REFERENCES orders ON DELETE RESTRICT,
    correction_id bigint REFERENCES stock_corrections ON DELETE RESTRICT,
    actor_id      bigint REFERENCES users ON DELETE SET NULL,
    note          text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inventory_log_product_idx ON inventory_log (product_id, created_at);
CREATE INDEX inventory_log_order_idx ON inventory_log (order_id) WHERE order_id IS NOT NULL;

-- One payment attempt with a provider, in the provider's own terms.
-- state maps to Payme's: created 1, performed 2, cancelled -1, refunded -2;
-- Click: prepared = created, completed = performed. refund_pending is a
-- paid order cancelled on our side whose money is not back yet.
-- provider_tx_id: Payme `id`, Click `click_trans_id`, NULL for cash.
-- provider_time: Payme's `time` (GetStatement and the 12 h timeout use it).
CREATE TABLE payments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id       bigint NOT NULL REFERENCES orders ON DELETE RESTRICT,
    provider       text NOT NULL CHECK (provider IN ('payme', 'click', 'cash')),
    provider_tx_id text,
    amount         bigint NOT NULL CHECK (amount > 0),       -- tiyin
    state          text NOT NULL DEFAULT 'created'
                   CHECK (state IN ('created', 'performed', 'cancelled',
                                    'refund_pending', 'refunded')),
    provider_time  timestamptz,
    create_time    timestamptz NOT NULL DEFAULT now(),
    perform_time   timestamptz,
    cancel_time    timestamptz,
    reason         integer,                                  -- provider's cancel reason code
    raw            jsonb NOT NULL DEFAULT '{}',              -- last request as received
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider, provider_tx_id)
);
CREATE INDEX payments_order_idx ON payments (order_id);
CREATE INDEX payments_provider_time_idx ON payments (provider, provider_time);
-- Money is taken at most once per order, whatever the retries.
CREATE UNIQUE INDEX payments_one_performed_idx ON payments (order_id)
    WHERE state = 'performed';

-- {======================================================================
-- Channel, feedback, audit
-- =======================================================================

-- Posts to the shop's channel: scheduled, then posted (message_id known).
CREATE TABLE channel_posts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id    bigint REFERENCES products ON DELETE SET NULL,
    template      text NOT NULL,
    chat_id       bigint NOT NULL,
    message_id    bigint,
    scheduled_at  timestamptz NOT NULL DEFAULT now(),
    posted_at     timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX channel_posts_due_idx ON channel_posts (scheduled_at) WHERE posted_at IS NULL;

-- Customer feedback, asked once per order some days after delivery.
-- The row is created when asked; score stays NULL until answered.
CREATE TABLE feedback (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL UNIQUE REFERENCES orders ON DELETE CASCADE,
    score       smallint CHECK (score BETWEEN 0 AND 10),
    comment     text,
    asked_at    timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz
);

-- Who changed what, with the row before and after (prices, roles, stock...).
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id    bigint REFERENCES users ON DELETE SET NULL,
    action      text NOT NULL,
    entity      text NOT NULL,        -- table name, e.g. 'products'
    entity_id   bigint,
    before      jsonb,
    after       jsonb,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at);
CREATE INDEX audit_log_at_idx ON audit_log (at);
