-- For this session (no-transaction migrations on a direct connection): lock_timeout until reset_session.sql.
select set_config('lock_timeout', $1, false);
