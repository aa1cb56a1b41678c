-- crmops:no-transaction
-- lint-case: the safe form: CONCURRENTLY in a no-transaction migration
-- expect: none
-- oracle: skip CREATE INDEX CONCURRENTLY cannot run in the oracle's rolled-back transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_customer_profiles_last_name ON customer_profiles (last_name);
