-- lint-case: the marketing export has its unique index too
-- expect: refresh-not-concurrent Warning
REFRESH MATERIALIZED VIEW public."customer_marketing_export" WITH DATA;
