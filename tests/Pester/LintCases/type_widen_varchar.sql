-- lint-case: trap: widening varchar(20) to varchar(50), and to text, keeps the files
-- expect: none
-- oracle: rewrite public.customers no
ALTER TABLE customers ALTER COLUMN nickname TYPE varchar(50);
