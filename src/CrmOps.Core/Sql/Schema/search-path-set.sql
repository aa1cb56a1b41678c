-- search_path for the rest of the transaction ('' while reading a snapshot: every name comes out schema-qualified).
select set_config('search_path', $1, true);
