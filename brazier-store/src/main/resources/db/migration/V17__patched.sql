-- Whether a version was written by PATCH [type]/[id] (alone or as an entry of a batch or transaction), so that
-- history names its request as it was made. A patch never creates, so it says this of updates only; the change
-- feed keeps calling them updates (PUT), as its readers know a change by create, update or delete. The flag moves
-- with its version from resource to resource_history. Rows from before this column say PUT, as history did then; a
-- constant default rewrites nothing.
ALTER TABLE resource ADD COLUMN patched boolean NOT NULL DEFAULT false;
ALTER TABLE resource_history ADD COLUMN patched boolean NOT NULL DEFAULT false;
