-- lint-case: trap: numeric(10,2) to numeric(14,2), timestamp(3) to timestamp(6), with USING of the plain column
-- expect: none
-- oracle: rewrite public.customers no
ALTER TABLE customers ALTER COLUMN balance TYPE numeric(14,2) USING balance::numeric(14,2),
                      ALTER COLUMN seen_at TYPE timestamp(6);
