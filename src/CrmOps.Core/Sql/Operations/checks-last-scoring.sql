-- The latest whole-table run that succeeded. {scoring_runs}: the table Bookkeeping.Locate finds (status is read through
-- to_jsonb, so that a log of an older CrmOps without that column still reads).
SELECT r.as_of, r.started_at FROM {scoring_runs} r
 WHERE r.mode IN ('Full', 'Targeted') AND coalesce(to_jsonb(r) ->> 'status', 'Succeeded') = 'Succeeded'
 ORDER BY r.started_at DESC, r.id DESC
 LIMIT 1;
