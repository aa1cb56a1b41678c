-- lint-case: numeric(10,2) to numeric(10,3) changes the scale: rewrite
-- expect: changing-column-type Warning
ALTER TABLE public.customers ALTER COLUMN balance TYPE numeric(10,3);
