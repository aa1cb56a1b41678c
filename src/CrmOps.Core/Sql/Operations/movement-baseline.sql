-- The baseline of Get-CrmLeadMovement: the last succeeded scoring run whose as-of instant is at or
-- before @since (runs ordered by as-of, since a DBA may rescore the past), or the run given by its
-- start (@run_started). No row: no run that early. {scoring_runs}: the table Bookkeeping.Locate finds.
SELECT as_of, started_at FROM {scoring_runs}
 WHERE status = 'Succeeded'
   AND (CASE WHEN @run_started::timestamptz IS NULL THEN as_of <= @since ELSE started_at = @run_started END)
 ORDER BY as_of DESC, started_at DESC, id DESC
 LIMIT 1;
