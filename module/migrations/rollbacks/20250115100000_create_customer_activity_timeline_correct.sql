-- Removes exactly what 20250115100000_create_customer_activity_timeline_correct.sql adds
-- (the seed's "Rollback Activity Timeline"; the indexes go with the view).
DROP INDEX IF EXISTS public.idx_customer_activity_timeline_type;
DROP INDEX IF EXISTS public.idx_customer_activity_timeline_customer_date;
DROP INDEX IF EXISTS public.idx_customer_activity_timeline_activity_id;
DROP MATERIALIZED VIEW IF EXISTS public.customer_activity_timeline;
