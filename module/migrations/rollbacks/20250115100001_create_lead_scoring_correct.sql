-- Removes exactly what 20250115100001_create_lead_scoring_correct.sql adds (the seed's
-- "Rollback Lead Scoring", plus the scoring function and the two scoring indexes).
DROP TRIGGER IF EXISTS recalculate_lead_score_on_engagement_change ON public.customer_engagement_metrics;
DROP TRIGGER IF EXISTS calculate_customer_profile_lead_score ON public.customer_profiles;

DROP FUNCTION IF EXISTS public.recalculate_customer_profile_lead_score();
DROP FUNCTION IF EXISTS public.calculate_lead_score_for_customer_profiles();
DROP FUNCTION IF EXISTS public.lead_score_components(timestamptz, integer, numeric, timestamptz);

DROP INDEX IF EXISTS public.idx_customer_engagement_metrics_scoring_updated;
DROP INDEX IF EXISTS public.idx_customer_engagement_metrics_scoring_last_order;
DROP INDEX IF EXISTS public.idx_customer_profiles_rfm_scores;
DROP INDEX IF EXISTS public.idx_customer_profiles_lead_score;

ALTER TABLE public.customer_profiles
    DROP COLUMN IF EXISTS last_scored_at,
    DROP COLUMN IF EXISTS rfm_monetary,
    DROP COLUMN IF EXISTS rfm_frequency,
    DROP COLUMN IF EXISTS rfm_recency,
    DROP COLUMN IF EXISTS lead_score;
