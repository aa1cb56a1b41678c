SELECT view_name, mode, status, rows_before, rows_after, started_at, duration_ms, message, run_by
  FROM {refresh_log}
 WHERE (@view IS NULL OR view_name = @view OR view_name LIKE '%.' || @view)
 ORDER BY started_at DESC, id DESC
 LIMIT @last;
