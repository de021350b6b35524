-- The version that was current when the resource's history was last purged ($purge-history, a hard delete,
-- $bulk-delete's _hardDelete or _purgeHistory): an operator removed every version below it, so an import stores none
-- of them again. The rule that an import stores a version the store does not hold would otherwise write them back
-- when an import is run again. NULL when no purge ran since V21 and V22 found none before it. Adding a nullable
-- column rewrites nothing; the fill is V22, so that this migration holds its exclusive lock on resource only briefly.
ALTER TABLE resource ADD COLUMN purged_below integer;
