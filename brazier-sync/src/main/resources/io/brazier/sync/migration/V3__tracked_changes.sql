-- Write-back from a target that reports its changes (Dataverse's change tracking) rather than a trigger recording
-- them: where the agent reads each table's changes from next (the delta link), and the last values reported of each
-- row with sync on, since a deletion is reported by the row's key alone.
CREATE TABLE sync_track_position (
  tbl text PRIMARY KEY,
  position text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sync_tracked_row (
  tbl text NOT NULL,
  row_key uuid NOT NULL,
  row_values jsonb NOT NULL,
  PRIMARY KEY (tbl, row_key)
);
