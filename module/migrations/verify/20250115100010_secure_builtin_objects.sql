-- Each query must return true.
-- The API roles cannot read the activity timeline (where they exist).
SELECT NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_roles r
     WHERE r.rolname IN ('anon', 'authenticated')
       AND pg_catalog.has_table_privilege(r.oid, 'public.customer_activity_timeline', 'SELECT'));
-- Every function of the built-in migrations has a search_path of its own.
SELECT count(*) = 3 FROM pg_catalog.pg_proc
 WHERE oid IN ('public.lead_score_components(timestamptz, integer, numeric, timestamptz)'::regprocedure,
               'public.calculate_lead_score_for_customer_profiles()'::regprocedure,
               'public.recalculate_customer_profile_lead_score()'::regprocedure)
   AND EXISTS (SELECT 1 FROM unnest(proconfig) c WHERE c LIKE 'search_path=%');
-- The rules at their edges, unchanged.
SELECT (SELECT lead_score FROM public.lead_score_components(timestamptz '2025-10-15' - interval '30 days', 10, 1000, timestamptz '2025-10-15')) = 30
   AND (SELECT lead_score FROM public.lead_score_components(NULL, 0, 0, timestamptz '2025-10-15')) = 6
   AND (SELECT recency FROM public.lead_score_components(timestamptz '2025-10-15' - interval '30 days 1 second', 1, 50, timestamptz '2025-10-15')) = 4
   AND (SELECT (frequency, monetary) = (4, 4) FROM public.lead_score_components(NULL, 5, 500, timestamptz '2025-10-15'));
