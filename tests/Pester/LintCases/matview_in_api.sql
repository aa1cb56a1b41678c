-- lint-case: a materialized view in public, readable by anon through Supabase's default privileges
-- database: supabase
-- expect: materialized-view-in-api Warning
CREATE MATERIALIZED VIEW public.vip_customers AS
    SELECT id, canonical_full_name FROM public.customer_profiles WHERE lead_score >= 24;
