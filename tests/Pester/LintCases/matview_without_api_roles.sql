-- lint-case: trap: the same materialized view where the API roles do not exist (not Supabase)
-- expect: none
CREATE MATERIALIZED VIEW public.vip_customers AS
    SELECT id, canonical_full_name FROM public.customer_profiles WHERE lead_score >= 24;
