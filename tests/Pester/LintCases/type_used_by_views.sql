-- lint-case: the issue's example: canonical_full_name is read by two views and named by the scoring trigger: the ALTER fails
-- expect: changing-column-type Error
-- oracle: fails
ALTER TABLE customer_profiles ALTER COLUMN canonical_full_name TYPE varchar(50);
