SELECT r.as_of, r.started_at FROM crmops.scoring_runs r
 WHERE r.mode IN ('Full', 'Targeted') AND coalesce(to_jsonb(r) ->> 'status', 'Succeeded') = 'Succeeded'
 ORDER BY r.started_at DESC, r.id DESC
 LIMIT 1;
