-- Keyset boundaries for a full recalculation: every @batch_size-th customer id. Batch i scores
-- the ids in [bound(i-1), bound(i)), so each batch reads both tables by index range.
SELECT id
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM public.customer_profiles) x
 WHERE rn % @batch_size = 0
 ORDER BY id;
