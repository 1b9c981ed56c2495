-- Two notices that were sent once after their commit and lost when that
-- send failed are driven from rows now, as an order's moves are (0004):
-- delivered right after the commit, and by the sweep of any engine
-- process while still owed (scripts/shop/notices.lua).

-- A manager's /assign or /reassign: one row per person told, the one the
-- order went to ('given') and, on a reassignment, the one it was taken
-- from ('taken').
CREATE TABLE assignment_notices (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id        bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('florist', 'courier')),
    user_id         bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    what            text NOT NULL CHECK (what IN ('given', 'taken')),
    by_user         bigint REFERENCES users ON DELETE SET NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    told_at         timestamptz,   -- delivered (or nothing was owed any more)
    told_claimed_at timestamptz    -- a process is delivering it now
);
CREATE INDEX assignment_notices_untold_idx ON assignment_notices (at) WHERE told_at IS NULL;

-- A claim's post to the owner's chat.
ALTER TABLE claims
    ADD COLUMN told_at         timestamptz,   -- posted to the owner's chat
    ADD COLUMN told_claimed_at timestamptz;   -- a process is posting it now

-- Claims opened before were posted at the time.
UPDATE claims SET told_at = created_at;

CREATE INDEX claims_untold_idx ON claims (created_at) WHERE told_at IS NULL;

-- A reassignment's order_events row is history, not a move: its notice is
-- the assignment's, so the order moves' sweep must not take it for one.
UPDATE order_events SET noticed_at = at
 WHERE noticed_at IS NULL AND from_status = to_status AND note ~ '^(florist|courier): [0-9]+ -> [0-9]+$';
