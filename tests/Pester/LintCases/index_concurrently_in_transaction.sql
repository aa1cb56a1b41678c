-- lint-case: CONCURRENTLY in a transactional migration fails
-- expect: ban-concurrent-index-creation-in-transaction Error
-- oracle: fails
CREATE INDEX CONCURRENTLY idx_customer_profiles_first_name ON customer_profiles (first_name);
