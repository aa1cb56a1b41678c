-- lint-case: the safe path squeezed into one transaction: the VALIDATE scans while ADD CONSTRAINT's lock is held
-- expect: constraint-missing-not-valid Info
ALTER TABLE customer_profiles ADD CONSTRAINT customer_profiles_first_name_not_null CHECK (first_name IS NOT NULL) NOT VALID;
ALTER TABLE customer_profiles VALIDATE CONSTRAINT customer_profiles_first_name_not_null;
ALTER TABLE customer_profiles ALTER COLUMN first_name SET NOT NULL;
