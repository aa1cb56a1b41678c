-- lint-case: trap: varchar(20) to text and text to unconstrained varchar are binary coercible
-- expect: none
-- oracle: rewrite public.customers no
ALTER TABLE customers ALTER COLUMN nickname TYPE text, ALTER COLUMN email TYPE varchar;
