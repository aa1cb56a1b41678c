-- The transaction's search_path and jit, to restore after reading a snapshot.
select current_setting('search_path'), current_setting('jit');
