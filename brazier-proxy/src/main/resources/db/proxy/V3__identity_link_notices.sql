-- Every change of identity links, whoever makes it (the API of any node, or SQL by hand), tells every node once it
-- commits, so that the links each node keeps in memory are dropped (see IdentityLinks).
CREATE FUNCTION identity_link_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('brazier_identity_links', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER identity_link_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON identity_link
  FOR EACH STATEMENT EXECUTE FUNCTION identity_link_changed();
