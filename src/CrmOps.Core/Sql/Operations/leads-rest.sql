-- After the first page of leads: the big query (the rest of the ordered list) runs with the session's own settings.
SET LOCAL jit TO DEFAULT;
SET LOCAL plan_cache_mode TO DEFAULT;
