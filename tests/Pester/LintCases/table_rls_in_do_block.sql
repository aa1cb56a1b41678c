-- lint-case: trap: ENABLE ROW LEVEL SECURITY written inside a DO block still counts; a commented one does not
-- database: supabase
-- expect: table-without-rls Error
CREATE TABLE public.audit_a (id int);
CREATE TABLE public.audit_b (id int);
DO $$
BEGIN
    ALTER TABLE public.audit_a ENABLE ROW LEVEL SECURITY;
END
$$;
-- ALTER TABLE public.audit_b ENABLE ROW LEVEL SECURITY;
