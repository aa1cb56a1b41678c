-- Each query must return true.
-- The eight functions exist, each with a fixed search_path, none executable by PUBLIC.
SELECT count(*) = 8
   AND bool_and(EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%'))
   AND bool_and(NOT has_function_privilege('public', p.oid, 'EXECUTE'))
  FROM pg_proc p
 WHERE p.pronamespace = 'crmops'::regnamespace
   AND p.proname IN ('refresh_view', 'score_plan', 'score_pages', 'score_without_metrics', 'score_targeted',
                     'log_scoring_run', 'run_step', 'run_task');
-- Nor by Supabase's API roles, where they exist.
SELECT NOT EXISTS (
    SELECT 1 FROM pg_proc p CROSS JOIN pg_roles r
     WHERE p.pronamespace = 'crmops'::regnamespace AND r.rolname IN ('anon', 'authenticated')
       AND has_function_privilege(r.oid, p.oid, 'EXECUTE'));
-- The logs say who ran each entry.
SELECT count(*) = 6 FROM information_schema.columns
 WHERE table_schema = 'supabase_migrations'
   AND (table_name, column_name) IN (('crmops_refresh_log', 'trigger'), ('crmops_refresh_log', 'schedule'), ('crmops_scoring_runs', 'trigger'),
                                     ('crmops_scoring_runs', 'schedule'), ('crmops_scoring_runs', 'status'), ('crmops_scoring_runs', 'message'));
-- A plan as of now is Full or Targeted.
SELECT (SELECT mode FROM crmops.score_plan(now())) IN ('Full', 'Targeted');
