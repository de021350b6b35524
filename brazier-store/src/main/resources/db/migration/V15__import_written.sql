-- How many of the lines that each input of a merged batch imported became a version (written[i] of lines[i]); the
-- others were held already (the store, or an earlier line of the import, said the same) or superseded by a later
-- line of their resource. The manifest reports it per input, so that an import run twice says it wrote nothing.
-- NULL for batches merged before this column: an input with such a batch reports no written count.
ALTER TABLE import_merged ADD COLUMN written integer[];
