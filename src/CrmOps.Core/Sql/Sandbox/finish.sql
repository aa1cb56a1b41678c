-- After the load: populate the marketing export and refresh planner statistics.
REFRESH MATERIALIZED VIEW customer_marketing_export;
