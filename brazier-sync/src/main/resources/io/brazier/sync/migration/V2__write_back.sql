-- Write-back: the target's own changes to rows of maps that write back, recorded by a trigger that the agent puts on
-- each such table (Tables), for the agent to write to FHIR. The agent's own connections set brazier.sync_agent, so
-- what the agent writes into the target is never recorded: nothing it syncs from FHIR comes back as a change.

-- One row per insert, update or delete of a row whose msemr_azurefhirsyncenabled is true: the row before (old_row,
-- null for an insert) and after (new_row, null for a delete), and when. An agent writes a table's pending changes
-- to FHIR in id order, row by row, and deletes them in the transaction that records the version it wrote.
CREATE TABLE sync_row_change (
  id bigserial PRIMARY KEY,
  tbl text NOT NULL,
  row_key uuid NOT NULL,
  op text NOT NULL,
  old_row jsonb,
  new_row jsonb,
  changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  attempts integer NOT NULL DEFAULT 0,
  error text
);
CREATE INDEX sync_row_change_row ON sync_row_change (tbl, row_key, id);

-- Every write-back conflict (FHIR's version moved since the row was synced), with both sides and what won.
CREATE TABLE sync_conflict (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  tbl text NOT NULL,
  row_key uuid NOT NULL,
  type text NOT NULL,
  res_id text NOT NULL,
  row_version integer,
  fhir_version integer,
  policy text NOT NULL,
  winner text NOT NULL,
  target_side jsonb,
  fhir_side jsonb
);
CREATE INDEX sync_conflict_at ON sync_conflict (at);

-- Runs as the agent's user with the agent's schema (whoever changes the row, whatever their search_path), so that the
-- target's users need no rights on the agent's tables.
CREATE FUNCTION sync_record_row_change() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  old_json jsonb := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END;
  new_json jsonb := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END;
  enabled boolean := coalesce((coalesce(new_json, old_json) ->> 'msemr_azurefhirsyncenabled')::boolean, false);
BEGIN
  IF current_setting('brazier.sync_agent', true) = 'on' OR NOT enabled THEN
    RETURN NULL;
  END IF;
  INSERT INTO sync_row_change (tbl, row_key, op, old_row, new_row)
  VALUES (TG_TABLE_NAME, (coalesce(new_json, old_json) ->> (TG_TABLE_NAME || 'id'))::uuid, TG_OP, old_json, new_json);
  RETURN NULL;
END
$$;
