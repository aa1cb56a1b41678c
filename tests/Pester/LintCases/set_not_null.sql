-- lint-case: SET NOT NULL scans the table under ACCESS EXCLUSIVE
-- expect: setting-not-null Info
-- oracle: rewrite public.customer_profiles no
ALTER TABLE customer_profiles ALTER COLUMN last_name SET NOT NULL;
