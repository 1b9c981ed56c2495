-- A florist's proposal to put another product in an order instead of one
-- she lacks or finds poor, the customer's answer, and the owner's or a
-- manager's decision when the customer declines or does not answer
-- (docs/schema.md, "Orders"; rules/substitution.lua; shop/substitution.lua).
--
-- state: proposed (waiting for the customer until answer_by), accepted
-- (the order's item, stock and price were swapped), declined or expired
-- (waiting for the owner's decision), kept or cancelled (decided), void
-- (the order moved on before an answer). One open proposal per order at a
-- time. The customer's proposal and the owner's question are notices
-- owed: claimed by one engine process (*_claimed_at, a lease) and marked
-- when told (*_told_at), so a lost message is sent again and two engine
-- processes send it once.
CREATE TABLE substitutions (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id            bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
    item_id             bigint NOT NULL REFERENCES order_items ON DELETE CASCADE,
    old_product_id      bigint NOT NULL REFERENCES products ON DELETE RESTRICT,
    new_product_id      bigint NOT NULL REFERENCES products ON DELETE RESTRICT,
    count               integer NOT NULL CHECK (count > 0),
    old_unit_price      bigint NOT NULL CHECK (old_unit_price >= 0),   -- tiyin
    new_unit_price      bigint NOT NULL CHECK (new_unit_price >= 0),
    state               text NOT NULL DEFAULT 'proposed'
                        CHECK (state IN ('proposed', 'accepted', 'declined', 'expired', 'kept', 'cancelled', 'void')),
    proposed_by         bigint REFERENCES users ON DELETE SET NULL,
    answer_by           timestamptz NOT NULL,
    answered_at         timestamptz,
    decided_by          bigint REFERENCES users ON DELETE SET NULL,
    decided_at          timestamptz,
    customer_claimed_at timestamptz,
    customer_told_at    timestamptz,
    owner_claimed_at    timestamptz,
    owner_told_at       timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX substitutions_open_idx ON substitutions (order_id)
    WHERE state IN ('proposed', 'declined', 'expired');
CREATE INDEX substitutions_due_idx ON substitutions (answer_by) WHERE state = 'proposed';

-- Money after an online payment: a dearer substitute's difference is due
-- in cash at the door (neither provider here takes a second payment for
-- an order); a cheaper one's is owed back as a refunds_owed row of its
-- own, beside the one a cancellation or a claim may owe for the rest.
ALTER TABLE orders ADD COLUMN extra_due bigint NOT NULL DEFAULT 0 CHECK (extra_due >= 0);
ALTER TABLE refunds_owed ADD COLUMN substitution_id bigint UNIQUE REFERENCES substitutions ON DELETE RESTRICT;
ALTER TABLE refunds_owed DROP CONSTRAINT refunds_owed_order_id_key;
CREATE UNIQUE INDEX refunds_owed_order_idx ON refunds_owed (order_id) WHERE substitution_id IS NULL;
