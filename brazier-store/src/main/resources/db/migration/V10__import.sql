-- Bulk $import: what a job keeps beyond its staging. An import stages its lines in unlogged tables of its own
-- (import_<job>_*, made and dropped by the store; a crash of the database empties them and the job stages again),
-- then merges them batch by batch. These two tables are logged: they must outlive the staging and any crash, and
-- they go with their job when it is purged.

-- A line that was not imported, and the OperationOutcome that says why (served as the job's error NDJSON).
-- seq numbers the line in the import: input << 32 | line.
CREATE TABLE import_error (
  job     uuid   NOT NULL REFERENCES job (id) ON DELETE CASCADE,
  seq     bigint NOT NULL,
  outcome bytea  NOT NULL,
  PRIMARY KEY (job, seq)
);

-- A merged batch, written in the batch's own transaction: a batch is merged at most once, whatever the runner that
-- resumes; and how many lines of each input it imported (inputs[i] had lines[i]), which a cancelled import reports.
CREATE TABLE import_merged (
  job    uuid    NOT NULL REFERENCES job (id) ON DELETE CASCADE,
  batch  integer NOT NULL,
  inputs integer[] NOT NULL,
  lines  integer[] NOT NULL,
  PRIMARY KEY (job, batch)
);

-- The search indexes an import dropped to build them in bulk, as it does when it starts on an empty store: the
-- definition of each until it is built again. The import builds them before it reports done (or stops, when
-- cancelled); should it die, cancelled, any node's next import or start builds them.
CREATE TABLE import_index (
  name       text PRIMARY KEY,
  job        uuid NOT NULL,
  definition text NOT NULL
);
