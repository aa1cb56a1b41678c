-- lint-case: dropping a column deletes its data
-- expect: ban-drop-column Warning
-- oracle: rewrite public.customers no
ALTER TABLE customers DROP COLUMN IF EXISTS email;
