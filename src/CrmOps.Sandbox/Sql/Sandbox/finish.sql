-- After the load and the post-load keys/indexes: populate the marketing export.
-- (ANALYZE runs after the commit, from SampleDataLoader.)
REFRESH MATERIALIZED VIEW customer_marketing_export;
