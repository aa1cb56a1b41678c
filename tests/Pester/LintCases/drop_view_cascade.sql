-- lint-case: the issue's example: CASCADE would silently drop the activity timeline
-- expect: drop-with-dependents Error
-- oracle: true select to_regclass('public.customer_activity_timeline') is null
DROP VIEW customer_orders_v CASCADE;
