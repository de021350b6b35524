-- The agent's bookkeeping, in the target's schema beside the tables the maps make, so that each is written in the
-- same transaction as the rows it is about.

-- The version of each resource last applied (or deleted): no row ever goes back to an older version, whatever order
-- changes, back-fills and replays arrive in. partition is the patient whose changes it follows.
CREATE TABLE sync_version (
  type text NOT NULL,
  id text NOT NULL,
  version integer NOT NULL,
  deleted boolean NOT NULL,
  partition text,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (type, id)
);

-- Where each worker is in a source's change feed: every change up to seq assigned to it is applied (or dead-lettered).
-- A restart resumes from the smallest.
CREATE TABLE sync_checkpoint (
  source text NOT NULL,
  worker integer NOT NULL,
  seq bigint NOT NULL,
  updated timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, worker)
);

-- Changes that failed --sync-max-attempts times, or that their map cannot take; replayed in seq order.
CREATE TABLE sync_dead_letter (
  id bigserial PRIMARY KEY,
  source text NOT NULL,
  seq bigint NOT NULL,
  type text NOT NULL,
  res_id text NOT NULL,
  version integer,
  action text NOT NULL,
  partition text NOT NULL,
  attempts integer NOT NULL,
  error text NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_dead_letter_seq ON sync_dead_letter (seq, id);

-- What the agent did with each change (--sync-log), with the resource read and the rows written (--sync-log-bodies).
CREATE TABLE sync_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  source text,
  seq bigint,
  type text NOT NULL,
  res_id text NOT NULL,
  version integer,
  action text NOT NULL,
  outcome text NOT NULL,
  message text,
  request jsonb,
  response jsonb
);
CREATE INDEX sync_log_at ON sync_log (at);

-- Back-fill jobs: the types to read again, how far the walk went (the type and the lastUpdated of the last page),
-- and which agent runs it until when (a lease renewed by each page; an expired lease lets another agent resume it).
CREATE TABLE sync_backfill (
  id uuid PRIMARY KEY,
  types text[] NOT NULL,
  status text NOT NULL,
  type_index integer NOT NULL DEFAULT 0,
  cursor text,
  done bigint NOT NULL DEFAULT 0,
  total bigint NOT NULL DEFAULT 0,
  owner text,
  lease_until timestamptz,
  error text,
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_backfill_open ON sync_backfill (created) WHERE status IN ('queued', 'running');
