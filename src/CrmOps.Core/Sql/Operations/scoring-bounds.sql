-- The size of customer_profiles for a full recalculation in physical order: its pages now, and
-- about how many rows a page holds (batches are ranges of pages, so each batch reads and writes
-- neighbouring pages, as one big UPDATE would, instead of ids scattered over the whole table).
SELECT (pg_relation_size('public.customer_profiles') / current_setting('block_size')::int)::bigint AS pages,
       greatest(c.reltuples, 0)::bigint AS rows_estimate
  FROM pg_class c
 WHERE c.oid = 'public.customer_profiles'::regclass;
