-- Undoes set_lock_timeout_session.sql and search_path_session.sql when a no-transaction migration has finished.
reset lock_timeout;
reset search_path;
