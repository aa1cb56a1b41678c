-- Each query must return true.
-- The change log exists and the scoring functions record into it, none executable by PUBLIC.
SELECT to_regclass('supabase_migrations.crmops_score_changes') IS NOT NULL;
SELECT count(*) = 4 AND bool_and(NOT has_function_privilege('public', p.oid, 'EXECUTE'))
  FROM pg_proc p
 WHERE p.pronamespace = 'crmops'::regnamespace
   AND p.proname IN ('score_pages', 'score_without_metrics', 'score_targeted', 'prune_score_changes');
