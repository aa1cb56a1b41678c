-- lint-case: trap: constant and stable defaults (PostgreSQL 11+) do not rewrite, nor does a string that looks like a call
-- expect: none
-- oracle: rewrite public.customer_emails no
ALTER TABLE customer_emails
    ADD COLUMN verified boolean NOT NULL DEFAULT false,
    ADD COLUMN added_at timestamptz DEFAULT now(),
    ADD COLUMN note text DEFAULT 'random() gen_random_uuid()';
