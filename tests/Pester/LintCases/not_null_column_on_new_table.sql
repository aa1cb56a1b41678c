-- lint-case: trap: NOT NULL columns are fine on a table created in the same migration, and with a constant default
-- expect: none
CREATE TABLE public.segments_log (id bigint PRIMARY KEY, segment text NOT NULL);
ALTER TABLE public.segments_log ADD COLUMN logged_at timestamptz NOT NULL;
ALTER TABLE customer_emails ADD COLUMN origin text NOT NULL DEFAULT 'import';
