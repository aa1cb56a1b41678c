-- lint-case: CREATE INDEX on the 9,369-row customer_profiles (the issue's first example)
-- expect: require-concurrent-index-creation Info
-- oracle: rewrite public.customer_profiles no
CREATE INDEX idx_customer_profiles_phone ON customer_profiles (phone);
