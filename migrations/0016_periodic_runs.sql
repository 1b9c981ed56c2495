-- A job that runs once per period whichever engine process and however
-- many (the recompute of recommendations): its next due time lives here,
-- so a restart within the period does not repeat it and one after the
-- period ran out, with every process down, runs it at once.
CREATE TABLE periodic_runs (
    job         text PRIMARY KEY,
    due_at      timestamptz NOT NULL,               -- pushed a period ahead by the claim
    claimed_at  timestamptz NOT NULL DEFAULT now()  -- the latest claim, for a forced run
);
