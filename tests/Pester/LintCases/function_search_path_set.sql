-- lint-case: SET search_path in the definition, or ALTER FUNCTION ... SET search_path later in the migration
-- expect: none
CREATE FUNCTION public.profile_count() RETURNS bigint LANGUAGE sql STABLE SET search_path = '' AS $$
    SELECT count(*) FROM public.customer_profiles
$$;
CREATE FUNCTION public.email_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM public.customer_emails';
ALTER FUNCTION public.email_count() SET search_path TO pg_catalog, public;
