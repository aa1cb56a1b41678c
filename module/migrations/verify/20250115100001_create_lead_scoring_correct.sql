-- Each query must return true.
-- The five columns exist with the intended types.
SELECT count(*) = 5 FROM information_schema.columns
 WHERE table_schema = 'public' AND table_name = 'customer_profiles'
   AND (column_name, data_type) IN (('lead_score', 'integer'), ('rfm_recency', 'integer'), ('rfm_frequency', 'integer'),
                                    ('rfm_monetary', 'integer'), ('last_scored_at', 'timestamp with time zone'));
-- The rules at their edges: best and worst customer, and the 30-day boundary.
SELECT (SELECT lead_score FROM public.lead_score_components(timestamptz '2025-10-15' - interval '30 days', 10, 1000, timestamptz '2025-10-15')) = 30
   AND (SELECT lead_score FROM public.lead_score_components(NULL, 0, 0, timestamptz '2025-10-15')) = 6
   AND (SELECT recency FROM public.lead_score_components(timestamptz '2025-10-15' - interval '30 days 1 second', 1, 50, timestamptz '2025-10-15')) = 4;
-- Both triggers are in place.
SELECT count(*) = 2 FROM pg_trigger
 WHERE NOT tgisinternal
   AND tgname IN ('calculate_customer_profile_lead_score', 'recalculate_lead_score_on_engagement_change');
