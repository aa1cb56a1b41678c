-- Before the first page of leads (a LIMIT query answered from the score index in milliseconds): no JIT for it.
-- Its plan's total cost is that of the whole ordered list, which makes PostgreSQL compile it (100 ms and more, the
-- query itself takes a few); the rest of the list, the big query that follows, gets the settings back.
SET LOCAL jit = off;
-- And a plan for this LIMIT, even on a connection that prepares statements (a generic plan would not know it).
SET LOCAL plan_cache_mode = force_custom_plan;
