-- lint-case: a function without SET search_path; SET search_path inside its body does not count
-- expect: function-search-path-mutable Warning
CREATE OR REPLACE FUNCTION public.touch_profile(p_id uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    PERFORM set_config('search_path', '', true);
    EXECUTE 'SET search_path = public';
    UPDATE public.customer_profiles SET updated_at = now() WHERE id = p_id;
END;
$$;
