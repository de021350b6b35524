-- Whether a change created its resource by PUT [type]/[id] rather than POST [type] (false for any other change),
-- written with the change, so that a page of the feed tells each change's request without joining its resource row
-- (resource.created_by_put, V14). A constant default rewrites nothing; the creations already in the feed take what
-- their resource says (rows from before V14 say POST there, as history did then).
ALTER TABLE change ADD COLUMN created_by_put boolean NOT NULL DEFAULT false;
UPDATE change c SET created_by_put = true
  FROM resource r
 WHERE r.type = c.type AND r.id = c.res_id AND r.created_by_put AND c.action = 'C';
