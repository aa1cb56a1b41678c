-- lint-case: a data change on a table with rows and no require-rows guard for it
-- expect: missing-row-guard Info
UPDATE public.customer_profiles SET phone = NULL WHERE phone = '';
