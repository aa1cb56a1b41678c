-- The transaction's search_path, to restore after reading a snapshot.
select current_setting('search_path');
