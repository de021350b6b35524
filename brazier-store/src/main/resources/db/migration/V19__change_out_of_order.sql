-- Whether an import wrote a change's version out of order: below a version stored already (filling history in), or
-- with the version right below it neither stored nor imported with it (a gap). Every other change writes the next
-- version over the newest, so a scan as of a sequence N takes the version of then of a resource changed after N to
-- be the one below its first change after N, from the change table alone; only a resource with an out-of-order
-- change after N has its stored versions looked at.
ALTER TABLE change ADD COLUMN out_of_order boolean NOT NULL DEFAULT false;
-- The changes already in the feed, as the feed tells them: a version that is not one more than the highest of its
-- resource's earlier changes, or, for a resource's first change kept, any version above 1 (the changes before it
-- may have been pruned: such a change only costs a scan the lookup every change cost before, until it is pruned).
UPDATE change c SET out_of_order = true
  FROM (SELECT id, version, max(version) OVER (PARTITION BY type, res_id ORDER BY id
                                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS below
          FROM change) p
 WHERE c.id = p.id AND p.version > 1 AND p.version IS DISTINCT FROM p.below + 1;
