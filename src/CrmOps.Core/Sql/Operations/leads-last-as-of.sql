-- The as-of instant of the last whole scoring run, as a subquery of leads-empty-why.sql; {scoring_runs} is the log.
(SELECT as_of FROM {scoring_runs} WHERE mode IN ('Full', 'Targeted') ORDER BY started_at DESC, id DESC LIMIT 1)
