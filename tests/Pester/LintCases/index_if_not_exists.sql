-- lint-case: trap: CREATE INDEX IF NOT EXISTS of an index that exists builds nothing
-- expect: none
CREATE INDEX IF NOT EXISTS idx_customer_profiles_lead_score ON customer_profiles (lead_score DESC);
CREATE TABLE IF NOT EXISTS public.customers (id uuid PRIMARY KEY);
