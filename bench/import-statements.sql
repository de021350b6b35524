-- What each way of writing an import's bodies and index rows costs PostgreSQL, statement by statement: the CPU of
-- this backend (from /proc/self/stat, so Linux only) and the WAL each statement writes. Run as a superuser against a
-- scratch database of a server set as the embedded one is (docs/PERFORMANCE.md, Bulk import), with :dir a folder
-- the server reads and writes that holds lines.ndjson (FHIR resources, one a line, each with an id), e.g.
--
--   (zcat $SYNTHEA/ndjson/Observation.ndjson.gz | head -40000; zcat $SYNTHEA/ndjson/ExplanationOfBenefit.ndjson.gz \
--     | head -6000; zcat $SYNTHEA/ndjson/DiagnosticReport.ndjson.gz | head -6000) > /tmp/statements/lines.ndjson
--   psql -X -q -v dir=/tmp/statements -f bench/import-statements.sql
--
-- Everything is made in the schema import_statements, dropped at the end.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS import_statements CASCADE;
CREATE SCHEMA import_statements;
SET search_path = import_statements;
SET synchronous_commit = off;

CREATE FUNCTION cpu_ms() RETURNS bigint LANGUAGE sql AS $$
  SELECT (f[12]::bigint + f[13]::bigint) * 1000 / 100
    FROM (SELECT string_to_array(split_part(pg_read_file('/proc/self/stat'), ') ', 2), ' ') AS f) s $$;
CREATE TABLE measured (step text, cpu_ms bigint, wal bigint, n serial);
CREATE PROCEDURE mark() LANGUAGE sql AS $$
  SELECT set_config('statements.cpu', cpu_ms()::text, false),
         set_config('statements.lsn', pg_current_wal_insert_lsn()::text, false) $$;
CREATE PROCEDURE measure(step text) LANGUAGE sql AS $$
  INSERT INTO measured (step, cpu_ms, wal) VALUES (step, cpu_ms() - current_setting('statements.cpu')::bigint,
    pg_current_wal_insert_lsn() - current_setting('statements.lsn')::pg_lsn) $$;

-- The lines, and the files each COPY reads: staged lines (text and binary) and final rows of resource (binary).
\set lines '\'' :dir '/lines.ndjson\''
\set hex '\'' :dir '/lines.hex\''
\set bin '\'' :dir '/lines.bin\''
\set final '\'' :dir '/resource.bin\''
\set tokens_text '\'' :dir '/tokens.txt\''
\set tokens_bin '\'' :dir '/tokens.bin\''
CREATE TABLE source (j text);
COPY source FROM :lines WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02');
CREATE TABLE lines AS SELECT row_number() OVER () AS seq, j::jsonb ->> 'id' AS id, convert_to(j, 'UTF8') AS body
  FROM source;
COPY (SELECT seq, 1, 3::int2, id, NULL::int, NULL::timestamptz, NULL::text, body, 1, seq FROM lines) TO :hex;
COPY (SELECT seq, 1, 3::int2, id, NULL::int, NULL::timestamptz, NULL::text, body, 1, seq FROM lines) TO :bin
  (FORMAT binary);
COPY (SELECT seq, 3::int2, id, 1, now(), false, body, true FROM lines) TO :final (FORMAT binary);
CREATE TABLE tokens AS SELECT (g % 40)::int AS param, (g / 20)::bigint AS rid, 'http://loinc.org' AS system,
  (g % 977)::text || '-' || (g % 7)::text AS code, NULL::text AS qsystem, NULL::text AS qcode
  FROM generate_series(1, 1000000) g;
COPY tokens TO :tokens_text;
COPY tokens TO :tokens_bin (FORMAT binary);

-- The tables as the schema and ImportStaging make them.
CREATE UNLOGGED TABLE line (seq bigint PRIMARY KEY, batch integer NOT NULL, type smallint NOT NULL, id text NOT NULL,
  version integer, updated timestamptz, updated_text text, body bytea NOT NULL, stamp_at integer NOT NULL,
  state char(1) NOT NULL DEFAULT 'S', rid bigint);
ALTER TABLE line ALTER COLUMN body SET STORAGE EXTERNAL;
CREATE INDEX ON line (batch);
CREATE TABLE resource_type (id smallint PRIMARY KEY, name text NOT NULL UNIQUE);
INSERT INTO resource_type VALUES (3, 'Observation');
CREATE TABLE resource (rid bigint PRIMARY KEY, type smallint NOT NULL REFERENCES resource_type (id),
  id text NOT NULL, version integer NOT NULL, last_updated timestamptz NOT NULL, deleted boolean NOT NULL DEFAULT false,
  body bytea, created_by_put boolean NOT NULL DEFAULT false, UNIQUE (type, id));
CREATE INDEX ON resource (type, last_updated);
CREATE INDEX ON resource (last_updated);
CREATE TABLE change (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, seq bigint UNIQUE, type smallint NOT NULL,
  res_id text NOT NULL, version integer NOT NULL, action char(1) NOT NULL, at timestamptz NOT NULL, source text,
  created_by_put boolean NOT NULL DEFAULT false);
CREATE INDEX change_unsequenced ON change (id) WHERE seq IS NULL;
CREATE TABLE search_token (param integer NOT NULL, rid bigint NOT NULL, system text, code text, qsystem text,
  qcode text);
CREATE INDEX search_token_rid ON search_token (rid, param);
-- The merge's stamped insert (ImportMerge.STAMPED), and the same with the body as staged or without one.
\set stamped 'substring(l.body FROM 1 FOR l.stamp_at) || convert_to(\'"versionId":"1","lastUpdated":"2026-12-06T05:00:00.000+00:00"\' || CASE WHEN get_byte(l.body, l.stamp_at) = 125 THEN \'\' ELSE \',\' END, \'UTF8\') || substring(l.body FROM l.stamp_at + 1)'
\set merge 'INSERT INTO resource SELECT l.rid, l.type, l.id, 1, now(), false, '
\set from ' FROM line l ORDER BY l.type, l.id'
CHECKPOINT;

CALL mark(); COPY line (seq, batch, type, id, version, updated, updated_text, body, stamp_at, rid) FROM :hex;
CALL measure('stage the lines, text COPY, bodies as bytea hex');
TRUNCATE line;
CALL mark(); COPY line (seq, batch, type, id, version, updated, updated_text, body, stamp_at, rid) FROM :bin
  (FORMAT binary);
CALL measure('stage the lines, binary COPY');
CALL mark(); :merge :stamped :from; CALL measure('merge: insert the stamped bodies into resource');
TRUNCATE resource; CHECKPOINT;
CALL mark(); :merge l.body :from; CALL measure('merge, bodies as staged');
TRUNCATE resource; CHECKPOINT;
CALL mark(); :merge NULL :from; CALL measure('merge, no body');
TRUNCATE resource; CHECKPOINT;
CALL mark(); COPY resource FROM :final (FORMAT binary); CALL measure('binary COPY of final rows into resource');
CALL mark(); UPDATE resource SET version = 2; CALL measure('update every row of resource, body untouched');
CHECKPOINT;
-- The change feed of the merged lines (Writer.writeChanges), then its numbering (ChangeSequencer).
CALL mark(); INSERT INTO change (type, res_id, version, action, at, source) SELECT 3, id, 1, 'C', now(), NULL
  FROM lines ORDER BY seq;
CALL measure('merge: the change feed''s rows');
CALL mark(); UPDATE change c SET seq = n.seq FROM (SELECT id, row_number() OVER (ORDER BY id) AS seq FROM change
  WHERE seq IS NULL) n WHERE c.id = n.id;
CALL measure('number the change feed''s rows');
CHECKPOINT;
CALL mark(); COPY search_token FROM :tokens_text; CALL measure('1M token rows, text COPY');
TRUNCATE search_token; CHECKPOINT;
CALL mark(); COPY search_token FROM :tokens_bin (FORMAT binary); CALL measure('1M token rows, binary COPY');
TRUNCATE search_token; DROP INDEX search_token_rid; CHECKPOINT;
CALL mark(); COPY search_token FROM :tokens_text; CALL measure('1M token rows, text COPY, no rid index');
CALL mark(); CREATE INDEX search_token_rid ON search_token (rid, param); CALL measure('then build the rid index');

\pset footer off
SELECT step, cpu_ms, pg_size_pretty(wal) AS wal FROM measured ORDER BY n;
RESET search_path;
DROP SCHEMA import_statements CASCADE;
