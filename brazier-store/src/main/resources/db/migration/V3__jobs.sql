-- Background jobs of the FHIR asynchronous pattern ($reindex; later $export and $import), in the database that every
-- node shares: any node answers a poll, and a job whose node died (its lease ran out without a heartbeat) is claimed
-- by another node, which resumes it from the cursor the work last wrote.
CREATE TABLE job (
  id          uuid        PRIMARY KEY,
  kind        text        NOT NULL,
  request     jsonb       NOT NULL,
  status      text        NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  done        bigint      NOT NULL DEFAULT 0,
  total       bigint,
  cursor      jsonb,
  result      bytea,
  error       bytea,
  error_status smallint,
  owner       text,
  lease_until timestamptz,
  created     timestamptz NOT NULL DEFAULT now(),
  updated     timestamptz NOT NULL DEFAULT now()
);
-- Runners claim the oldest job that needs one; finished jobs stay out of this index.
CREATE INDEX job_claimable ON job (created) WHERE status IN ('queued', 'running');
