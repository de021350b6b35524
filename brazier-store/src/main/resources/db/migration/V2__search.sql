-- Search indexes. Every index row belongs to the current, live version of a resource (rid): a write deletes the
-- rows of the version it replaces and inserts the new ones in the same transaction, so a match never needs to check
-- versions or deletion. param is a key for (resource type, parameter code), so rows carry no type and no name.
-- Text columns are bounded (256 characters) by the writer, as index entries must be. Value indexes do not end in
-- rid: equal keys then share one index entry (B-tree deduplication), which keeps them several times smaller.
-- qsystem/qcode hold the first (token) component of a composite parameter's row; they are NULL for every other
-- row, which costs nothing, and the value indexes leave composite rows out (partial indexes).

DROP TABLE search_token;

CREATE TABLE search_param (
  id   integer  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type smallint NOT NULL REFERENCES resource_type (id),
  code text     NOT NULL,
  UNIQUE (type, code)
);

-- Strings: value is folded (lower case, no accents) for the default starts-with search; exact is as written.
CREATE TABLE search_string (
  param   integer NOT NULL,
  rid     bigint  NOT NULL,
  value   text    COLLATE "C" NOT NULL,
  exact   text    NOT NULL,
  qsystem text,
  qcode   text
);
CREATE INDEX search_string_value ON search_string (param, value) WHERE qcode IS NULL;
CREATE INDEX search_string_composite ON search_string (param, qcode, value) WHERE qcode IS NOT NULL;
CREATE INDEX search_string_rid ON search_string (rid, param);

CREATE TABLE search_token (
  param   integer NOT NULL,
  rid     bigint  NOT NULL,
  system  text,
  code    text,
  qsystem text,
  qcode   text
);
CREATE INDEX search_token_code ON search_token (param, code, system) WHERE qcode IS NULL;
CREATE INDEX search_token_composite ON search_token (param, qcode, code) WHERE qcode IS NOT NULL;
CREATE INDEX search_token_rid ON search_token (rid, param);

-- Dates as spans of epoch milliseconds, both ends included (open ends are the extreme bigints).
CREATE TABLE search_date (
  param   integer NOT NULL,
  rid     bigint  NOT NULL,
  lo      bigint  NOT NULL,
  hi      bigint  NOT NULL,
  qsystem text,
  qcode   text
);
CREATE INDEX search_date_lo ON search_date (param, lo) WHERE qcode IS NULL;
CREATE INDEX search_date_hi ON search_date (param, hi) WHERE qcode IS NULL;
CREATE INDEX search_date_composite ON search_date (param, qcode, lo) WHERE qcode IS NOT NULL;
CREATE INDEX search_date_rid ON search_date (rid, param);

CREATE TABLE search_number (
  param integer NOT NULL,
  rid   bigint  NOT NULL,
  value numeric NOT NULL
);
CREATE INDEX search_number_value ON search_number (param, value);
CREATE INDEX search_number_rid ON search_number (rid, param);

-- Quantities as written (value, system, code) and, for UCUM units, in canonical form (cvalue, cunit), so that
-- 5 mg and 0.005 g match the same search.
CREATE TABLE search_quantity (
  param   integer NOT NULL,
  rid     bigint  NOT NULL,
  value   numeric NOT NULL,
  system  text,
  code    text,
  cvalue  numeric,
  cunit   text,
  qsystem text,
  qcode   text
);
CREATE INDEX search_quantity_canonical ON search_quantity (param, cunit, cvalue) WHERE qcode IS NULL;
CREATE INDEX search_quantity_value ON search_quantity (param, value) WHERE qcode IS NULL;
CREATE INDEX search_quantity_composite ON search_quantity (param, qcode, cunit, cvalue) WHERE qcode IS NOT NULL;
CREATE INDEX search_quantity_rid ON search_quantity (rid, param);

-- References: a local target by type key and id (the target need not exist yet), or an absolute/canonical url.
-- (param, tid, ttype) serves both directions: what refers to Patient/1 (_revinclude, _has, compartments) and
-- Observation?subject=Patient/1.
CREATE TABLE search_reference (
  param   integer  NOT NULL,
  rid     bigint   NOT NULL,
  ttype   smallint,
  tid     text,
  url     text,
  version text
);
CREATE INDEX search_reference_target ON search_reference (param, tid, ttype) WHERE tid IS NOT NULL;
CREATE INDEX search_reference_url ON search_reference (param, url) WHERE url IS NOT NULL;
CREATE INDEX search_reference_rid ON search_reference (rid, param);

CREATE TABLE search_uri (
  param integer NOT NULL,
  rid   bigint  NOT NULL,
  value text    COLLATE "C" NOT NULL
);
CREATE INDEX search_uri_value ON search_uri (param, value);
CREATE INDEX search_uri_rid ON search_uri (rid, param);

-- Positions (Location.position) for near: WGS84 degrees.
CREATE TABLE search_position (
  param     integer          NOT NULL,
  rid       bigint           NOT NULL,
  latitude  double precision NOT NULL,
  longitude double precision NOT NULL
);
CREATE INDEX search_position_place ON search_position (param, latitude, longitude);
CREATE INDEX search_position_rid ON search_position (rid, param);

-- Full text (_text: the narrative, _content: every string of the resource) as PostgreSQL tsvectors of folded words.
CREATE TABLE search_text (
  param integer  NOT NULL,
  rid   bigint   NOT NULL,
  words tsvector NOT NULL
);
CREATE INDEX search_text_words ON search_text USING gin (words);
CREATE INDEX search_text_rid ON search_text (rid, param);

-- Search result snapshots, so that paging through a result walks exactly what matched when the first page was
-- served, even while writes go on: the matching (rid, version) pairs in result order, in chunks of 1,000.
-- Unlogged: a snapshot is worth nothing after a crash, and writing it costs no WAL and no fsync.
CREATE UNLOGGED TABLE search_snapshot (
  id      uuid        PRIMARY KEY,
  created timestamptz NOT NULL DEFAULT now(),
  total   integer     NOT NULL
);
CREATE INDEX search_snapshot_created ON search_snapshot (created);

CREATE UNLOGGED TABLE search_result (
  snapshot uuid     NOT NULL,
  chunk    integer  NOT NULL,
  rids     bigint[] NOT NULL,
  versions integer[] NOT NULL,
  PRIMARY KEY (snapshot, chunk)
);
