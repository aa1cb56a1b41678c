-- lint-case: trap: a table created and dropped in the same migration
-- expect: none
CREATE TEMP TABLE scratch (id int);
CREATE TABLE public.scratch_copy (id int);
ALTER TABLE public.scratch_copy ENABLE ROW LEVEL SECURITY;
DROP TABLE public.scratch_copy;
