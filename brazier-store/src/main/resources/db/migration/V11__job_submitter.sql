-- Who submitted a job (its caller's identity: issuer, subject and client; NULL when anonymous), so that a caller kept
-- to a restriction follows only the jobs it submitted. Jobs queued before this column recorded their submitter in
-- their request: it moves here, and the request holds again only what the work needs.
ALTER TABLE job ADD COLUMN submitter text;
UPDATE job SET submitter = request ->> 'submitter', request = request - 'submitter' WHERE request ? 'submitter';
