-- What the merge and the bulk builds of an import into an empty store cost PostgreSQL, on the whole shared set:
-- the backend's CPU (from /proc/self/stat, Linux only) for each kind of statement, summed over the batches. Run as a
-- superuser against a scratch database of a server set as the embedded one is (docs/PERFORMANCE.md, Bulk import),
-- with pg_trgm available, :ndjson a folder of .ndjson.gz files the server can read (COPY FROM PROGRAM runs zcat):
--
--   psql -X -q -v ndjson=/work/shared/data/synthea/ndjson -f bench/import-merge-statements.sql
--
-- It loads every resource (jsonb), makes index rows from them (a token row per coding, a string row per display),
-- replays ImportMerge's statements batch by batch of 1,000 lines into an empty resource table, then times the
-- (rid, param) index kept against built after, and the trigram build by maintenance_work_mem. Everything is made in
-- the schema import_merge, dropped at the end. About 40 CPU minutes on a loaded 2-core machine.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET synchronous_commit = off;
SET max_parallel_maintenance_workers = 0;
DROP SCHEMA IF EXISTS import_merge CASCADE;
CREATE SCHEMA import_merge;
SET search_path = import_merge, public;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE FUNCTION cpu_ms() RETURNS bigint LANGUAGE sql AS $$
  SELECT (f[12]::bigint + f[13]::bigint) * 10
    FROM (SELECT string_to_array(split_part(pg_read_file('/proc/self/stat'), ') ', 2), ' ') AS f) s $$;
CREATE TABLE measured (step text, cpu_ms bigint, n serial);

-- The resources, and index rows made from them.
CREATE TABLE src (j jsonb);
\set load 'zcat ' :ndjson '/*.ndjson.gz'
COPY src FROM PROGRAM :'load' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02');
CREATE TABLE res AS SELECT row_number() OVER () AS rid, j FROM src;
DROP TABLE src;
CREATE TABLE search_token (param integer NOT NULL, rid bigint NOT NULL, system text, code text, qsystem text,
  qcode text);
INSERT INTO search_token SELECT abs(hashtext(c.key)) % 60, r.rid, v ->> 'system', v ->> 'code', NULL, NULL
  FROM res r, jsonb_each(r.j) c, jsonb_path_query(c.value, 'strict $.**.coding[*]') v;
CREATE TABLE search_string (param integer NOT NULL, rid bigint NOT NULL, value text COLLATE "C" NOT NULL,
  exact text NOT NULL, qsystem text, qcode text);
INSERT INTO search_string SELECT abs(hashtext(c.key)) % 60, r.rid, lower(s #>> '{}'), s #>> '{}', NULL, NULL
  FROM res r, jsonb_each(r.j) c, jsonb_path_query(c.value, 'strict $.**.display') s WHERE jsonb_typeof(s) = 'string';

-- The tables as the schema and ImportStaging make them; every line took a rid (DirectIndexes).
CREATE TABLE resource (rid bigint GENERATED ALWAYS AS IDENTITY (CACHE 100) PRIMARY KEY, type smallint NOT NULL,
  id text NOT NULL, version integer NOT NULL, last_updated timestamptz NOT NULL, deleted boolean NOT NULL DEFAULT false,
  body bytea, created_by_put boolean NOT NULL DEFAULT false, UNIQUE (type, id));
CREATE INDEX ON resource (type, last_updated);
CREATE INDEX ON resource (last_updated);
CREATE TABLE change (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, seq bigint UNIQUE, type smallint NOT NULL,
  res_id text NOT NULL, version integer NOT NULL, action char(1) NOT NULL, at timestamptz NOT NULL, source text,
  created_by_put boolean NOT NULL DEFAULT false);
CREATE INDEX change_unsequenced ON change (id) WHERE seq IS NULL;
CREATE UNLOGGED TABLE line (seq bigint PRIMARY KEY, batch integer NOT NULL, type smallint NOT NULL, id text NOT NULL,
  version integer, updated timestamptz, updated_text text, body bytea NOT NULL, stamp_at integer NOT NULL,
  state char(1) NOT NULL DEFAULT 'S', rid bigint);
ALTER TABLE line ALTER COLUMN body SET STORAGE EXTERNAL;
CREATE INDEX ON line (batch);
INSERT INTO line SELECT rid, (rid - 1) / 1000, abs(hashtext(j ->> 'resourceType')) % 30, j ->> 'id', NULL, NULL,
  NULL, convert_to(j::text, 'UTF8'), 1, 'S', rid FROM res;
ANALYZE line;
CHECKPOINT;

-- ImportMerge's statements, batch by batch (the change feed's numbering is left out: replayed in one transaction,
-- its partial index fills with entries no commit lets it skip, which the real sequencer does not suffer).
DO $$
DECLARE b int; c0 bigint; types int2[]; ids text[]; seqs int8[]; n int;
  rd bigint := 0; lk bigint := 0; ins bigint := 0; feed bigint := 0;
BEGIN
  FOR b IN 0 .. (SELECT max(batch) FROM line) LOOP
    c0 := cpu_ms();
    SELECT array_agg(type ORDER BY seq), array_agg(id ORDER BY seq), array_agg(seq ORDER BY seq)
      INTO types, ids, seqs FROM (SELECT seq, type, id, version, updated, updated_text, state, rid FROM line
      WHERE batch = b) l;
    n := cardinality(seqs);
    rd := rd + cpu_ms() - c0; c0 := cpu_ms();
    PERFORM r.rid, r.type, r.id, r.version, r.last_updated, r.deleted FROM resource r
      JOIN unnest(types, ids) AS k(type, id) ON r.type = k.type AND r.id = k.id ORDER BY r.type, r.id FOR UPDATE OF r;
    lk := lk + cpu_ms() - c0; c0 := cpu_ms();
    WITH x AS (INSERT INTO resource (rid, type, id, version, last_updated, deleted, body) OVERRIDING SYSTEM VALUE
      SELECT l.rid, l.type, l.id, p.version, p.updated, false, substring(l.body FROM 1 FOR l.stamp_at)
        || convert_to('"versionId":"' || p.version || '","lastUpdated":"' || p.text || '"'
        || CASE WHEN get_byte(l.body, l.stamp_at) = 125 THEN '' ELSE ',' END, 'UTF8')
        || substring(l.body FROM l.stamp_at + 1)
      FROM unnest(seqs, array_fill(1, ARRAY[n]), array_fill(now(), ARRAY[n]),
        array_fill('2026-12-06T05:00:00.000+00:00'::text, ARRAY[n])) AS p(seq, version, updated, text)
      JOIN line l ON l.seq = p.seq ORDER BY l.type, l.id ON CONFLICT (type, id) DO NOTHING RETURNING rid, type, id)
    SELECT count(*) INTO n FROM x;
    ins := ins + cpu_ms() - c0; c0 := cpu_ms();
    INSERT INTO change (type, res_id, version, action, at, source) SELECT * FROM unnest(types, ids,
      array_fill(1, ARRAY[n]), array_fill('C'::bpchar, ARRAY[n]), array_fill(now(), ARRAY[n]),
      array_fill(NULL::text, ARRAY[n]));
    feed := feed + cpu_ms() - c0;
  END LOOP;
  INSERT INTO measured (step, cpu_ms) VALUES ('merge: read the staged keys', rd), ('merge: the lock query', lk),
    ('merge: the stamped insert', ins), ('merge: the change feed''s rows', feed);
END $$;

-- The (rid, param) index kept while the rows go in, against built after; twice.
CREATE PROCEDURE rid_index(kept boolean) LANGUAGE plpgsql AS $$
DECLARE c0 bigint;
BEGIN
  DROP TABLE IF EXISTS tokens;
  CREATE TABLE tokens (LIKE search_token);
  IF kept THEN CREATE INDEX ON tokens (rid, param); END IF;
  c0 := cpu_ms();
  INSERT INTO tokens SELECT * FROM search_token ORDER BY rid;
  INSERT INTO measured (step, cpu_ms) VALUES ('token rows in rid order, rid index ' || CASE WHEN kept THEN 'kept'
    ELSE 'dropped' END, cpu_ms() - c0);
  IF NOT kept THEN
    c0 := cpu_ms();
    CREATE INDEX ON tokens (rid, param);
    INSERT INTO measured (step, cpu_ms) VALUES ('then build the rid index', cpu_ms() - c0);
  END IF;
END $$;
SET maintenance_work_mem = '256MB';
CALL rid_index(true); CALL rid_index(false); CALL rid_index(true); CALL rid_index(false);

-- The trigram build (BulkIndexes) by maintenance_work_mem.
CREATE PROCEDURE trigram(mem text) LANGUAGE plpgsql AS $$
DECLARE c0 bigint;
BEGIN
  PERFORM set_config('maintenance_work_mem', mem, false);
  c0 := cpu_ms();
  CREATE INDEX trigram ON search_string USING gin (value public.gin_trgm_ops) WHERE qcode IS NULL;
  INSERT INTO measured (step, cpu_ms) VALUES ('trigram build, maintenance_work_mem ' || mem, cpu_ms() - c0);
  DROP INDEX trigram;
END $$;
CALL trigram('64MB'); CALL trigram('256MB'); CALL trigram('1GB'); CALL trigram('64MB'); CALL trigram('256MB');

\pset footer off
SELECT step, cpu_ms FROM measured ORDER BY n;
RESET search_path;
DROP SCHEMA import_merge CASCADE;
