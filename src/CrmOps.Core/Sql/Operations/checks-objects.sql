-- Which of the objects the checks read exist (a database before the migrations lacks some).
SELECT to_regclass('public.customer_activity_timeline') IS NOT NULL                      AS has_timeline,
       coalesce((SELECT relispopulated FROM pg_class WHERE oid = to_regclass('public.customer_activity_timeline')), false) AS timeline_populated,
       EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('public.customer_profiles')
                  AND attname = 'lead_score' AND NOT attisdropped)                        AS has_scoring,
       to_regprocedure('public.lead_score_components(timestamptz, integer, numeric, timestamptz)') IS NOT NULL AS has_rules,
       to_regclass('public.customer_marketing_export') IS NOT NULL                       AS has_marketing_export,
       false                                                                             AS has_refresh_log,  -- (Bookkeeping.Locate knows)
       false                                                                             AS has_scoring_runs,
       (SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute
         WHERE attrelid = to_regclass('public.customers') AND NOT attisdropped
           AND attname IN ('lead_score', 'rfm_recency', 'rfm_frequency', 'rfm_monetary', 'last_scored_at')) AS scoring_on_test_table,
       coalesce((SELECT relispopulated FROM pg_class WHERE oid = to_regclass('public.customer_marketing_export')), false) AS marketing_export_populated;
