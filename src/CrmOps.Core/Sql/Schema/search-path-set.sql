-- Settings for the rest of the transaction. While reading a snapshot: search_path '' (every name comes out
-- schema-qualified) and jit off (compiling the catalog query's plan costs seconds and saves nothing).
select set_config('search_path', $1, true), set_config('jit', $2, true);
