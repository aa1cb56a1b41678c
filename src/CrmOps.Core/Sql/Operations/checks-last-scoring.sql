SELECT as_of, started_at FROM {scoring_runs}
 WHERE mode IN ('Full', 'Targeted')
 ORDER BY started_at DESC, id DESC
 LIMIT 1;
