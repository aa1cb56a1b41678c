-- lint-case: trap: the dependents are dropped first, by name
-- expect: none
-- oracle: true select to_regclass('public.customer_orders_v') is null
DROP MATERIALIZED VIEW public.customer_activity_timeline;
DROP VIEW public.customer_orders_v;
