-- A channel post of a finished work: the marketer's own photos (one, or an
-- album of up to ten) instead of the product's photo. `photos` holds their
-- Telegram file_ids in the order sent (NULL for a post of a product's own
-- photo); `message_ids` every message the post became in the channel (an
-- album is one message per photo; `message_id` stays the first, the one
-- whose caption is edited), so deleting the post deletes them all.
ALTER TABLE channel_posts
    ADD COLUMN photos      text[] CHECK (cardinality(photos) BETWEEN 1 AND 10),
    ADD COLUMN message_ids bigint[];
