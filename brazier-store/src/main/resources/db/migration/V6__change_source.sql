-- The meta.source of the version each change wrote (for a deletion, the deleting caller's), so that a reader of the
-- feed, such as a sync agent, can skip its own writes. NULL when there is none; adding a nullable column rewrites
-- nothing.
ALTER TABLE change ADD COLUMN source text;
