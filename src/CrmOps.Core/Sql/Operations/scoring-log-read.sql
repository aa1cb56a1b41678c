-- The scoring runs, newest first. trigger, schedule, status and message are read through to_jsonb so
-- that a log created by an older CrmOps (without those columns) still reads. {scoring_runs}: the table Bookkeeping.Locate finds.
SELECT r.as_of, r.started_at, r.duration_ms, r.mode, r.customers, r.changed, r.hot, r.warm, r.cool, r.cold, r.run_by,
       coalesce(to_jsonb(r) ->> 'trigger', 'Manual') AS trigger, to_jsonb(r) ->> 'schedule' AS schedule,
       coalesce(to_jsonb(r) ->> 'status', 'Succeeded') AS status, to_jsonb(r) ->> 'message' AS message
  FROM {scoring_runs} r
 WHERE (@trigger IS NULL OR coalesce(to_jsonb(r) ->> 'trigger', 'Manual') = @trigger)
 ORDER BY r.started_at DESC, r.id DESC
 LIMIT @last;
