-- The server process of this transaction (through a transaction-mode pooler it can differ from one transaction to
-- the next, so it is asked inside each transaction a lock watch follows).
select pg_backend_pid();
