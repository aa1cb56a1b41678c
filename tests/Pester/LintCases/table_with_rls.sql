-- lint-case: the issue's example: a new table with RLS enabled (quoted name) and an index on it
-- database: supabase
-- expect: none
CREATE TABLE public.customer_notes (id bigint PRIMARY KEY, customer_id uuid NOT NULL, note text);
ALTER TABLE "public"."customer_notes" ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_none ON public.customer_notes FOR SELECT USING (false);
CREATE INDEX idx_customer_notes_customer ON public.customer_notes (customer_id);
