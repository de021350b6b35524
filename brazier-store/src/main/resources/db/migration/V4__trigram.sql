-- String :contains (and _filter's co) as a trigram index: pg_trgm's GIN operator class serves value LIKE '%x%' on
-- the folded strings, which a B-tree cannot. Composite rows never take :contains, so the index leaves them out.
--
-- pg_trgm ships with PostgreSQL's contrib package and is a trusted extension (PostgreSQL 13 and later), so a database
-- owner may create it. Where it is missing (contrib not installed, or a role without CREATE on the database), the
-- migration still succeeds: it warns, creates no index, and :contains scans as before; Database warns at every start
-- until an operator runs the two statements of docs/ARCHITECTURE.md. A failed migration here would stop the server
-- over an optimisation.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'pg_trgm is not available (%): string :contains searches will scan without a trigram index', SQLERRM;
END $$;

DO $$
DECLARE
  trgm_schema text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                        WHERE e.extname = 'pg_trgm');
BEGIN
  IF trgm_schema IS NOT NULL THEN
    EXECUTE format('CREATE INDEX search_string_trigram ON search_string USING gin (value %I.gin_trgm_ops)'
        || ' WHERE qcode IS NULL', trgm_schema);
  END IF;
END $$;
