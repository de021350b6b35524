-- Composite rows in search_number. R4's only three-part composites are MolecularSequence's coordinates, a token and
-- two numbers (chromosome-variant-coordinate = chromosome$start$end): one row holds both numbers of one item, value
-- and value2, qualified by the token in qsystem/qcode like every composite row, so that a search matches the start
-- and end of the same variant. Plain number rows leave the three columns NULL (adding them rewrites nothing).
ALTER TABLE search_number ADD COLUMN value2 numeric, ADD COLUMN qsystem text, ADD COLUMN qcode text;
CREATE INDEX search_number_composite ON search_number (param, qcode, value) WHERE qcode IS NOT NULL;
