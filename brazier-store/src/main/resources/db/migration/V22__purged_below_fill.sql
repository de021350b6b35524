-- purged_below (V21) for the purges before V21 that updates_purged (V18) remembers: those whose newest removed
-- version was no deletion, every hard delete among them (the version it removed right below the deletion was live).
-- A migration of its own, so a transaction of its own: the update locks only the rows it changes, while the ALTER
-- TABLE of V21 locks the whole table until its transaction ends.
UPDATE resource SET purged_below = updates_purged WHERE updates_purged IS NOT NULL;
