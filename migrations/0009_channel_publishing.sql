-- Publishing to the shop's channel: a post is drafted (the marketer's
-- preview), then scheduled (for now or for a time), claimed by one engine
-- process, posted, and perhaps edited or deleted later. Each click on its
-- [Order] deep link is a row; the orders that followed are found by a join
-- on time (docs/schema.md, "Channel").

ALTER TABLE channel_posts
    ADD COLUMN status     text NOT NULL DEFAULT 'scheduled'
                          CHECK (status IN ('draft', 'scheduled', 'posting', 'posted',
                                            'cancelled', 'failed', 'deleted')),
    ADD COLUMN lang       text NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru', 'uz')),
    ADD COLUMN caption    text,                           -- the caption as last sent (Telegram HTML)
    ADD COLUMN created_by bigint REFERENCES users ON DELETE SET NULL,
    ADD COLUMN claimed_at timestamptz,                    -- when a process took it to post
    ADD COLUMN edited_at  timestamptz,
    ADD COLUMN deleted_at timestamptz,
    ADD COLUMN error      text;                           -- why posting failed

-- The due index covered every unposted row; a draft or a cancelled post is
-- never due.
DROP INDEX channel_posts_due_idx;
CREATE INDEX channel_posts_due_idx ON channel_posts (scheduled_at) WHERE status IN ('scheduled', 'posting');

-- One row per press of a post's [Order] button (a /start p_<product>_<post>).
CREATE TABLE channel_post_clicks (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id    bigint NOT NULL REFERENCES channel_posts ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    clicked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX channel_post_clicks_post_idx ON channel_post_clicks (post_id);
CREATE INDEX channel_post_clicks_user_idx ON channel_post_clicks (user_id, clicked_at DESC);
