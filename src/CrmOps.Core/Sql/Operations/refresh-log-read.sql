-- The refresh log, newest first. {refresh_log}: the table Bookkeeping.Locate finds. trigger and schedule are read
-- through to_jsonb so that a log created by an older CrmOps (without those columns) still reads, for a role that cannot
-- add them.
SELECT l.view_name, l.mode, l.status, l.rows_before, l.rows_after, l.started_at, l.duration_ms, l.message, l.run_by,
       coalesce(to_jsonb(l) ->> 'trigger', 'Manual') AS trigger, to_jsonb(l) ->> 'schedule' AS schedule
  FROM {refresh_log} l
 WHERE (@view IS NULL OR l.view_name = @view OR l.view_name LIKE '%.' || @view)
   AND (@trigger IS NULL OR coalesce(to_jsonb(l) ->> 'trigger', 'Manual') = @trigger)
 ORDER BY l.started_at DESC, l.id DESC
 LIMIT @last;
