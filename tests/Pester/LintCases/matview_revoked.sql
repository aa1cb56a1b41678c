-- lint-case: trap: revoked in the same migration (two statements), and one in a schema the API does not serve
-- database: supabase
-- expect: none
CREATE MATERIALIZED VIEW public.vip_customers AS
    SELECT id, canonical_full_name FROM public.customer_profiles WHERE lead_score >= 24;
REVOKE SELECT ON public.vip_customers FROM anon;
REVOKE ALL PRIVILEGES ON TABLE public.vip_customers FROM authenticated;
CREATE SCHEMA reporting;
CREATE MATERIALIZED VIEW reporting.vip_customers AS SELECT id FROM public.customer_profiles;
