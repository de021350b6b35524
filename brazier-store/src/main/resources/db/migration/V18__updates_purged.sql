-- The version that $purge-history left as its resource's oldest when the version right before it, which the purge
-- removed, was no deletion: history tells a version above 1 with no version stored below it as a creation (an import
-- may start a resource's history above 1), and this one as the update it was, as the change feed wrote it. NULL
-- when no purge left such a version; a version stored below it again (an import) decides instead. Adding a nullable
-- column rewrites nothing.
ALTER TABLE resource ADD COLUMN updates_purged integer;
