-- lint-case: a blocking refresh of a view that could be refreshed concurrently
-- expect: refresh-not-concurrent Warning
REFRESH MATERIALIZED VIEW customer_activity_timeline;
