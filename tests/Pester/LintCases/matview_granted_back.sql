-- lint-case: granted back to the API roles after the revoke, and an existing materialized view granted to anon
-- database: supabase
-- expect: materialized-view-in-api Warning
CREATE MATERIALIZED VIEW public.vip_customers AS
    SELECT id, canonical_full_name FROM public.customer_profiles WHERE lead_score >= 24;
REVOKE ALL ON public.vip_customers FROM anon, authenticated;
GRANT SELECT ON public.vip_customers TO anon;
GRANT SELECT ON TABLE public.customer_activity_timeline TO authenticated;
