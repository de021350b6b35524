-- The status an administrator gave a search parameter (SearchParameter/$status), by its canonical url: Disabled
-- (searches do not know it) or Enabled. A parameter without a row is enabled. Kept in the database, as every node
-- must answer alike: each reads these rows with the stored SearchParameters, again after each notice naming
-- SearchParameter, which a change of a status sends as a commit of a SearchParameter does.
CREATE TABLE search_parameter_status (
  url text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('Enabled', 'Disabled')),
  updated timestamptz NOT NULL DEFAULT now()
);
