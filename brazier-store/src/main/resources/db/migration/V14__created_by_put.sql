-- Whether the first version of a resource was written by PUT [type]/[id] (an update that created it, or an import,
-- which keeps the ids it reads) rather than POST [type]: history and the change feed tell a version's request by
-- it. Later versions are all PUTs (or deletions), so one column per resource says it. Rows from before this column
-- keep what history said of them then (POST); a constant default rewrites nothing.
ALTER TABLE resource ADD COLUMN created_by_put boolean NOT NULL DEFAULT false;
