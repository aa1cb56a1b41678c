-- lint-case: dropping a table deletes its rows; orders has none, and nothing depends on it
-- expect: ban-drop-table Warning
DROP TABLE IF EXISTS public.orders;
