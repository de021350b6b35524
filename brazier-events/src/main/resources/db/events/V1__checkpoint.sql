-- The event publisher's own state, in its own schema (brazier_events): FHIR's tables are the server's alone.
-- One row per publisher name: the last change feed sequence whose messages the broker acknowledged. Only the node
-- holding the publisher's advisory lock writes it, over the connection that holds the lock.
CREATE TABLE checkpoint (
  publisher text PRIMARY KEY,
  sequence bigint NOT NULL,
  updated timestamptz NOT NULL DEFAULT now()
);
