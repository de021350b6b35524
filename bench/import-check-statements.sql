-- What the reference checks of an import (PostgresImports.settle and .dangling) cost PostgreSQL on the whole shared
-- set, statement by statement: the wall time and this backend's CPU (from /proc/self/stat, so Linux only; parallel
-- workers' CPU is not in it, so each query also runs without workers). Run as a superuser against a scratch
-- database of a server set as the embedded one is (docs/PERFORMANCE.md, Bulk import), with :ndjson a folder of
-- .ndjson.gz files the server can read (COPY FROM PROGRAM runs zcat):
--
--   psql -X -q -v ndjson=/work/shared/data/synthea/ndjson -f bench/import-check-statements.sql
--
-- It stages every resource as a line (no version) and every local reference of it, conditional ones resolved by
-- identifier, as the reading phase does, into an empty store; then times settle's statements and the dangling query
-- before (distinct targets first) and now. Everything is made in the schema import_check, dropped at the end.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET synchronous_commit = off;
DROP SCHEMA IF EXISTS import_check CASCADE;
CREATE SCHEMA import_check;
SET search_path = import_check;
CREATE FUNCTION cpu_ms() RETURNS bigint LANGUAGE sql AS $$
  SELECT (f[12]::bigint + f[13]::bigint) * 10
    FROM (SELECT string_to_array(split_part(pg_read_file('/proc/self/stat'), ') ', 2), ' ') AS f) s $$;
CREATE TABLE measured (step text, wall_ms bigint, cpu_ms bigint, n serial);
CREATE PROCEDURE mark() LANGUAGE sql AS $$
  SELECT set_config('check.cpu', cpu_ms()::text, false), set_config('check.at', clock_timestamp()::text, false) $$;
CREATE PROCEDURE measure(step text) LANGUAGE sql AS $$
  INSERT INTO measured (step, wall_ms, cpu_ms) VALUES (step,
    (extract(epoch FROM clock_timestamp() - current_setting('check.at')::timestamptz) * 1000)::bigint,
    cpu_ms() - current_setting('check.cpu')::bigint) $$;

-- The staging as the reading phase leaves it (ImportStaging's tables), and an empty resource table.
CREATE TABLE src (j jsonb);
\set load 'zcat ' :ndjson '/*.ndjson.gz'
COPY src FROM PROGRAM :'load' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02');
CREATE TABLE types AS SELECT row_number() OVER (ORDER BY t)::int2 AS key, t AS name
  FROM (SELECT DISTINCT j ->> 'resourceType' AS t FROM src) x;
CREATE TABLE res AS SELECT row_number() OVER () AS seq, j FROM src;
DROP TABLE src;
CREATE TABLE resource (rid bigint PRIMARY KEY, type smallint NOT NULL, id text NOT NULL, version integer NOT NULL,
  last_updated timestamptz NOT NULL, deleted boolean NOT NULL DEFAULT false, body bytea, UNIQUE (type, id));
CREATE UNLOGGED TABLE line (seq bigint PRIMARY KEY, batch integer NOT NULL, type smallint NOT NULL, id text NOT NULL,
  version integer, updated timestamptz, updated_text text, body bytea NOT NULL, stamp_at integer NOT NULL,
  state char(1) NOT NULL DEFAULT 'S', rid bigint);
ALTER TABLE line ALTER COLUMN body SET STORAGE EXTERNAL;
CREATE INDEX ON line (batch);
INSERT INTO line SELECT r.seq, (r.seq - 1) / 1000, t.key, j ->> 'id', NULL, NULL, NULL, convert_to(j::text, 'UTF8'),
  1, 'S', r.seq FROM res r JOIN types t ON t.name = j ->> 'resourceType' ORDER BY r.seq;
CREATE TABLE ident AS SELECT t.key AS type, (i ->> 'system') || '|' || (i ->> 'value') AS key, j ->> 'id' AS id
  FROM res r JOIN types t ON t.name = j ->> 'resourceType',
    jsonb_array_elements(CASE WHEN jsonb_typeof(j -> 'identifier') = 'array' THEN j -> 'identifier' ELSE '[]' END) i;
CREATE INDEX ON ident (type, key);
CREATE TABLE raw AS SELECT DISTINCT r.seq, x #>> '{}' AS ref FROM res r, jsonb_path_query(r.j, 'strict $.**.reference') x
  WHERE jsonb_typeof(x) = 'string';
CREATE UNLOGGED TABLE reference (seq bigint NOT NULL, ttype smallint NOT NULL, tid text NOT NULL);
INSERT INTO reference SELECT DISTINCT seq, ttype, tid FROM (
  SELECT f.seq, t.key AS ttype, split_part(f.ref, '/', 2) AS tid FROM raw f JOIN types t ON t.name = split_part(f.ref, '/', 1)
   WHERE f.ref ~ '^[A-Za-z]+/[A-Za-z0-9.-]+$'
  UNION ALL
  SELECT f.seq, t.key, i.id FROM raw f JOIN types t ON t.name = split_part(f.ref, '?', 1)
    JOIN ident i ON i.type = t.key AND i.key = substring(f.ref FROM '\?identifier=(.*)$')
   WHERE f.ref LIKE '%?identifier=%') x ORDER BY seq;
DROP TABLE res, raw, ident;
CHECKPOINT;

-- settle
CALL mark(); CREATE INDEX line_key ON line (type, id); CALL measure('settle: CREATE INDEX line (type, id)');
CALL mark(); ANALYZE line; CALL measure('settle: ANALYZE line');
CALL mark(); ANALYZE reference; CALL measure('settle: ANALYZE reference');
CALL mark();
UPDATE line l SET state = 'X' FROM (SELECT seq, row_number() OVER (PARTITION BY type, id ORDER BY seq DESC) AS n
  FROM line WHERE version IS NULL AND state = 'S' AND (type, id) IN (SELECT type, id FROM line WHERE version IS NULL
  GROUP BY type, id HAVING count(*) > 1)) d WHERE d.n > 1 AND l.seq = d.seq;
CALL measure('settle before: UPDATE superseded lines');
CALL mark();
UPDATE line l SET batch = k.batch FROM (SELECT type, id, min(batch) AS batch FROM line GROUP BY type, id
  HAVING count(*) > 1) k WHERE l.type = k.type AND l.id = k.id AND l.batch <> k.batch;
CALL measure('settle before: UPDATE batches of repeated resources');
CALL mark(); SELECT EXISTS (SELECT 1 FROM line GROUP BY type, id HAVING count(*) > 1) \gset
CALL measure('settle now: any resource repeated? (the UPDATEs only if so)');

-- dangling, before and now, without parallel workers (all the CPU in this backend), then now with them
\set before 'WITH targets AS (SELECT DISTINCT ttype, tid FROM reference), unstaged AS (SELECT t.* FROM targets t WHERE NOT EXISTS (SELECT 1 FROM line l WHERE l.type = t.ttype AND l.id = t.tid AND l.state = ''S'')), missing AS (SELECT u.* FROM unstaged u WHERE NOT EXISTS (SELECT 1 FROM resource r WHERE r.type = u.ttype AND r.id = u.tid AND NOT r.deleted)) SELECT count(*) FROM reference f JOIN missing m ON f.ttype = m.ttype AND f.tid = m.tid JOIN line l ON l.seq = f.seq AND l.state = ''S'''
\set now 'SELECT count(*) FROM reference f JOIN line l ON l.seq = f.seq AND l.state = ''S'' WHERE NOT EXISTS (SELECT 1 FROM line t WHERE t.type = f.ttype AND t.id = f.tid AND t.state = ''S'') AND NOT EXISTS (SELECT 1 FROM resource r WHERE r.type = f.ttype AND r.id = f.tid AND NOT r.deleted)'
SET max_parallel_workers_per_gather = 0;
CALL mark(); :before; CALL measure('dangling before, no workers');
CALL mark(); :now; CALL measure('dangling now, no workers');
RESET max_parallel_workers_per_gather;
CALL mark(); :before; CALL measure('dangling before, parallel workers allowed (wall only)');
CALL mark(); :now; CALL measure('dangling now, parallel workers allowed (wall only)');

SELECT (SELECT count(*) FROM line) AS lines, (SELECT count(*) FROM reference) AS refs;
SELECT step, wall_ms, cpu_ms FROM measured ORDER BY n;
DROP SCHEMA import_check CASCADE;
