-- Resource types get compact keys: every row below names its type in two bytes.
CREATE TABLE resource_type (
  id   smallint PRIMARY KEY,
  name text     NOT NULL UNIQUE
);

-- The current version of every resource, deleted ones included (as a marker with no body).
-- body is the resource exactly as a JSON client reads it (meta.versionId and meta.lastUpdated included),
-- so a read serves these bytes without parsing.
CREATE TABLE resource (
  rid          bigint      GENERATED ALWAYS AS IDENTITY (CACHE 100) PRIMARY KEY,
  type         smallint    NOT NULL REFERENCES resource_type (id),
  id           text        NOT NULL,
  version      integer     NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted      boolean     NOT NULL DEFAULT false,
  body         bytea,
  UNIQUE (type, id)
);
CREATE INDEX resource_type_updated ON resource (type, last_updated);
CREATE INDEX resource_updated ON resource (last_updated);

-- Every superseded version: an update or delete moves the row it replaces here. replaced_at is the lastUpdated of
-- the version that replaced it, which answers history's _at (the versions current at a point in time).
CREATE TABLE resource_history (
  rid          bigint      NOT NULL,
  version      integer     NOT NULL,
  type         smallint    NOT NULL,
  last_updated timestamptz NOT NULL,
  replaced_at  timestamptz NOT NULL,
  deleted      boolean     NOT NULL,
  body         bytea,
  PRIMARY KEY (rid, version)
);
CREATE INDEX resource_history_type_updated ON resource_history (type, last_updated);
CREATE INDEX resource_history_updated ON resource_history (last_updated);

-- The change feed. Writers append rows with seq NULL in their own transaction; one sequencer at a time (under an
-- advisory lock) numbers committed rows in insertion order. A reader sees only numbered rows, so sequence numbers
-- appear in commit order and a reader that remembers the last one it saw never skips a committed write.
CREATE TABLE change (
  id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq     bigint      UNIQUE,
  type    smallint    NOT NULL,
  res_id  text        NOT NULL,
  version integer     NOT NULL,
  action  char(1)     NOT NULL,
  at      timestamptz NOT NULL
);
CREATE INDEX change_unsequenced ON change (id) WHERE seq IS NULL;

-- Token search index (identifier, codes...). param is the search parameter's code; system and code may be empty.
CREATE TABLE search_token (
  rid    bigint   NOT NULL,
  type   smallint NOT NULL,
  param  text     NOT NULL,
  system text,
  code   text
);
CREATE INDEX search_token_code ON search_token (type, param, code, system);
CREATE INDEX search_token_rid ON search_token (rid);
