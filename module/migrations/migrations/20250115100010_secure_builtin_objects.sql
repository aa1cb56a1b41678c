-- The module's own advisors applied to what the two migrations before this one created (Get-CrmAdvisory computes
-- Supabase's splinter lints; Test-CrmMigration -Lint finds the same before anything runs). A migration of its
-- own rather than an edit of the released files: a database that applied them keeps their checksums, and gets
-- these fixes by applying this one.
--
-- 1. materialized_view_in_api (splinter 0016): on Supabase, the default privileges of schema public grant every
--    new table and view to the API roles anon and authenticated, and a materialized view cannot have row level
--    security: the activity timeline, with every customer's orders, was readable with the project's public API
--    key. Revoked here. The roles exist only on Supabase (hence the DO block; its REVOKE statements are plain SQL,
--    which the lint reads). Other objects keep the privileges their owner gave them.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        REVOKE ALL ON public.customer_activity_timeline FROM anon;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        REVOKE ALL ON public.customer_activity_timeline FROM authenticated;
    END IF;
END
$$;

-- 2. function_search_path_mutable (splinter 0011): each function gets a fixed, empty search_path; their bodies
--    name every table and function with its schema, and pg_catalog is always searched. A SQL function with its
--    own search_path can no longer be inlined into the query that calls it, which made Update-CrmLeadScore about
--    twice as slow; the same rules in PL/pgSQL evaluate as simple expressions, about three times cheaper per row
--    than the SQL function called without inlining. Same signature, same results (the verify script checks the
--    edges again).
CREATE OR REPLACE FUNCTION public.lead_score_components(
    p_last_order_at   timestamptz,
    p_lifetime_orders integer,
    p_lifetime_net    numeric,
    p_as_of           timestamptz)
RETURNS TABLE (recency integer, frequency integer, monetary integer, lead_score integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
BEGIN
    recency := CASE WHEN p_last_order_at IS NULL                            THEN 1
                    WHEN p_last_order_at >= p_as_of - interval '30 days'    THEN 5
                    WHEN p_last_order_at >= p_as_of - interval '60 days'    THEN 4
                    WHEN p_last_order_at >= p_as_of - interval '90 days'    THEN 3
                    WHEN p_last_order_at >= p_as_of - interval '180 days'   THEN 2
                    ELSE 1 END;
    frequency := CASE WHEN coalesce(p_lifetime_orders, 0) >= 10 THEN 5
                      WHEN coalesce(p_lifetime_orders, 0) >= 5  THEN 4
                      WHEN coalesce(p_lifetime_orders, 0) >= 3  THEN 3
                      WHEN coalesce(p_lifetime_orders, 0) >= 1  THEN 2
                      ELSE 1 END;
    monetary := CASE WHEN coalesce(p_lifetime_net, 0) >= 1000 THEN 5
                     WHEN coalesce(p_lifetime_net, 0) >= 500  THEN 4
                     WHEN coalesce(p_lifetime_net, 0) >= 200  THEN 3
                     WHEN coalesce(p_lifetime_net, 0) >= 50   THEN 2
                     ELSE 1 END;
    lead_score := 3 * recency + 2 * frequency + monetary;
    RETURN NEXT;
END;
$$;

ALTER FUNCTION public.calculate_lead_score_for_customer_profiles() SET search_path = '';
ALTER FUNCTION public.recalculate_customer_profile_lead_score() SET search_path = '';

-- 3. duplicate_index (splinter 0009): 20250115100001 adds an index on customer_engagement_metrics (last_order_at)
--    for the daily scoring run; where the table already had an identical one, every write paid for two. Ours is
--    dropped only then (the scoring run uses either).
DO $$
BEGIN
    IF EXISTS (SELECT 1
                 FROM pg_catalog.pg_indexes ours
                 JOIN pg_catalog.pg_indexes other
                   ON other.schemaname = ours.schemaname AND other.tablename = ours.tablename
                  AND other.indexname <> ours.indexname
                  AND replace(other.indexdef, other.indexname, '') = replace(ours.indexdef, ours.indexname, '')
                WHERE ours.schemaname = 'public' AND ours.indexname = 'idx_customer_engagement_metrics_scoring_last_order') THEN
        DROP INDEX public.idx_customer_engagement_metrics_scoring_last_order;
    END IF;
END
$$;
