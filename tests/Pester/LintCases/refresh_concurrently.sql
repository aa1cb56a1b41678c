-- lint-case: trap: concurrently, and a view without a unique index (it cannot be refreshed concurrently)
-- expect: none
REFRESH MATERIALIZED VIEW CONCURRENTLY customer_activity_timeline;
CREATE MATERIALIZED VIEW crmops_lint_counts AS SELECT count(*) AS n FROM customer_profiles;
REFRESH MATERIALIZED VIEW crmops_lint_counts;
