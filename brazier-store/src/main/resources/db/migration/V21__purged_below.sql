-- The version that was current when the resource's history was last purged ($purge-history, a hard delete,
-- $bulk-delete's _hardDelete or _purgeHistory): an operator removed every version below it, so an import stores none
-- of them again. The rule that an import stores a version the store does not hold would otherwise write them back
-- when an import is run again. NULL when no purge ran since V21. Adding a nullable column rewrites nothing.
ALTER TABLE resource ADD COLUMN purged_below integer;
-- The purges before V21 that updates_purged (V18) remembers: those whose newest removed version was no deletion,
-- every hard delete among them (the version it removed right below the deletion was live).
UPDATE resource SET purged_below = updates_purged WHERE updates_purged IS NOT NULL;
