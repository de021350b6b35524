-- The texts of token codes (Coding.display, CodeableConcept.text: what token :text searches) are rows of search_string
-- that only :text's starts-with search reads, through the B-tree. They are most of the table in a clinical store
-- (Observation codes and categories), yet the trigram index, which only the :contains and ends-with searches of string
-- parameters use, held them all: a third of the cost of an import's index builds, and a GIN entry per trigram on
-- every write. From now on such a row has no exact form (exact is NULL: no :exact search reaches it), and the trigram
-- index leaves it out. Rows written before keep their exact form and stay in the index, unread. The index is built
-- again here, which on a large store holds the start for that long (about ten seconds per million strings a core).
ALTER TABLE search_string ALTER COLUMN exact DROP NOT NULL;

DO $$
DECLARE
  trgm_schema text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                        WHERE e.extname = 'pg_trgm');
  trigram text;
  staging text;
BEGIN
  -- The staging tables of an import under way were made LIKE search_string, and take the new rows too.
  FOR staging IN SELECT c.relname FROM pg_class c WHERE c.relkind = 'r'
                    AND c.relname LIKE 'import\_%\_search\_string' AND c.relnamespace = current_schema()::regnamespace
  LOOP
    EXECUTE format('ALTER TABLE %I ALTER COLUMN exact DROP NOT NULL', staging);
  END LOOP;
  IF trgm_schema IS NULL THEN
    RETURN;
  END IF;
  trigram := format('CREATE INDEX search_string_trigram ON search_string USING gin (value %I.gin_trgm_ops)'
      || ' WHERE qcode IS NULL AND exact IS NOT NULL', trgm_schema);
  -- An import that dropped the index to build it in bulk builds the new one instead.
  UPDATE import_index SET definition = trigram WHERE name = 'search_string_trigram';
  IF to_regclass('search_string_trigram') IS NOT NULL THEN
    DROP INDEX search_string_trigram;
    EXECUTE trigram;
  END IF;
END $$;
