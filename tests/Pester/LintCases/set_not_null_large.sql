-- lint-case: SET NOT NULL on a table above -WarningRows: the full scan under ACCESS EXCLUSIVE is a Warning
-- lint-args: -WarningRows 1000
-- expect: setting-not-null Warning
-- oracle: rewrite public.customer_profiles no
ALTER TABLE public.customer_profiles ALTER COLUMN "first_name" SET NOT NULL;
