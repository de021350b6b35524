-- Identity links and the key of paging cursors, shared by every node.

-- Who a caller is in FHIR terms when its token does not say: a subject (or a client) of an issuer linked to the
-- Patient, Practitioner or RelatedPerson it stands for, until it expires (null: never). Made through /manage/link.
CREATE TABLE identity_link (
  issuer text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('subject', 'client')),
  name text NOT NULL,           -- the subject, or the client id
  resource text NOT NULL,       -- Patient/7, Practitioner/12, RelatedPerson/3
  expires timestamptz,
  created timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, kind, name)
);
CREATE INDEX identity_link_resource ON identity_link (resource);

-- The secret that seals paging cursors to the caller and the search they were given for: one row, made by the
-- first node to start, so that any node opens a cursor any other node sealed.
CREATE TABLE cursor_key (
  id smallint PRIMARY KEY CHECK (id = 1),
  secret bytea NOT NULL
);
