-- crmops:require-rows public.customer_profiles >= 1000
-- lint-case: trap: the same kind of change with a require-rows guard for the table it changes
-- expect: none
ALTER TABLE customer_profiles ADD COLUMN vip boolean;
