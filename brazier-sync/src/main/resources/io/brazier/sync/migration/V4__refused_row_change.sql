-- A row change its map refuses (an option value the map does not know, a required column left empty) is tried once
-- and kept for the operator as refused, its attempts the one made, rather than counted up to --sync-max-attempts.
ALTER TABLE sync_row_change ADD COLUMN refused boolean NOT NULL DEFAULT false;
