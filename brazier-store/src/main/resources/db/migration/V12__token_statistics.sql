-- How often each code occurs under each parameter. Without it the planner multiplies the two columns' frequencies
-- and takes a code common under one parameter (Observation category "laboratory": most Observations) for a rare
-- one: a scan of such a search then collected and sorted every match for each page, instead of walking the type in
-- order. ANALYZE builds it (autovacuum after a load).
CREATE STATISTICS search_token_param_code (mcv, dependencies) ON param, code FROM search_token;
-- Now, for a database that has its tokens already.
ANALYZE search_token;
