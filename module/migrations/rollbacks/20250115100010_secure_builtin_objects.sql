-- Rollback of 20250115100010_secure_builtin_objects.sql: the functions as 20250115100001 defined them (the
-- scoring rules in SQL, no search_path of their own) and the scoring index where it was dropped.
--
-- An undo restores what the migration changed, privileges included: where the API roles exist (Supabase), they get
-- back the access Supabase's default privileges gave them, so the timeline is readable with the project's public
-- API key again (Get-CrmAdvisory reports it as materialized_view_in_api). Undo this migration only to re-apply it.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        GRANT ALL ON public.customer_activity_timeline TO anon;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        GRANT ALL ON public.customer_activity_timeline TO authenticated;
    END IF;
END
$$;

CREATE INDEX IF NOT EXISTS idx_customer_engagement_metrics_scoring_last_order ON public.customer_engagement_metrics (last_order_at);

ALTER FUNCTION public.recalculate_customer_profile_lead_score() RESET search_path;
ALTER FUNCTION public.calculate_lead_score_for_customer_profiles() RESET search_path;

-- Exactly as 20250115100001 wrote it: CREATE OR REPLACE takes the whole definition (language, body, no SET
-- clause) and keeps the function's identity and comment.
CREATE OR REPLACE FUNCTION public.lead_score_components(
    p_last_order_at   timestamptz,
    p_lifetime_orders integer,
    p_lifetime_net    numeric,
    p_as_of           timestamptz)
RETURNS TABLE (recency integer, frequency integer, monetary integer, lead_score integer)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT r, f, m, 3 * r + 2 * f + m
      FROM (SELECT CASE WHEN p_last_order_at IS NULL                            THEN 1
                        WHEN p_last_order_at >= p_as_of - interval '30 days'    THEN 5
                        WHEN p_last_order_at >= p_as_of - interval '60 days'    THEN 4
                        WHEN p_last_order_at >= p_as_of - interval '90 days'    THEN 3
                        WHEN p_last_order_at >= p_as_of - interval '180 days'   THEN 2
                        ELSE 1 END AS r,
                   CASE WHEN coalesce(p_lifetime_orders, 0) >= 10 THEN 5
                        WHEN coalesce(p_lifetime_orders, 0) >= 5  THEN 4
                        WHEN coalesce(p_lifetime_orders, 0) >= 3  THEN 3
                        WHEN coalesce(p_lifetime_orders, 0) >= 1  THEN 2
                        ELSE 1 END AS f,
                   CASE WHEN coalesce(p_lifetime_net, 0) >= 1000 THEN 5
                        WHEN coalesce(p_lifetime_net, 0) >= 500  THEN 4
                        WHEN coalesce(p_lifetime_net, 0) >= 200  THEN 3
                        WHEN coalesce(p_lifetime_net, 0) >= 50   THEN 2
                        ELSE 1 END AS m) s
$$;
