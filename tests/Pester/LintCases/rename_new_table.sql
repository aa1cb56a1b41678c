-- lint-case: trap: renaming a table created in the same migration
-- expect: none
CREATE TABLE public.import_batch (id int);
ALTER TABLE public.import_batch RENAME TO import_batches;
ALTER TABLE public.import_batches ENABLE ROW LEVEL SECURITY;
