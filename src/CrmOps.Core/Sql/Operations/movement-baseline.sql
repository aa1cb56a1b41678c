-- The baseline of Get-CrmLeadMovement: the last succeeded scoring run whose as-of instant is at or
-- before @since (runs ordered by as-of, since a DBA may rescore the past), or the run given by its
-- start (@run_started). No row: no run that early. {scoring_runs}: the table Bookkeeping.Locate finds.
SELECT r.as_of, r.started_at FROM {scoring_runs} r
 WHERE coalesce(to_jsonb(r) ->> 'status', 'Succeeded') = 'Succeeded'
   AND (CASE WHEN @run_started::timestamptz IS NULL THEN r.as_of <= @since ELSE r.started_at = @run_started END)
 ORDER BY r.as_of DESC, r.started_at DESC, r.id DESC
 LIMIT 1;
