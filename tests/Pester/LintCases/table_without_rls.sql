-- lint-case: a new table in public, readable and writable with the public API key
-- database: supabase
-- expect: table-without-rls Error
CREATE TABLE public.customer_notes (id bigint PRIMARY KEY, customer_id uuid NOT NULL, note text);
