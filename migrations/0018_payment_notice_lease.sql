-- A payment notice to the owner is claimed by the process telling it for a
-- lease, apart from its mark: a process killed between taking the notice
-- and telling it no longer loses it (told_at stays empty, and the sweep
-- takes it again once the lease ran out), as with every other notice.
ALTER TABLE payment_notices ADD COLUMN told_claimed_at timestamptz;
