-- lint-case: trap: CREATE INDEX ... ON customer_profiles in a comment, a string, a quoted name and a function body
-- expect: none
/* CREATE INDEX idx_x ON customer_profiles (phone); */
SELECT 'CREATE INDEX idx_y ON customer_profiles (phone)' AS "CREATE INDEX ON customer_profiles";
CREATE FUNCTION public.index_advice() RETURNS text LANGUAGE sql SET search_path = '' AS $body$
    SELECT 'CREATE INDEX idx_z ON public.customer_profiles (phone); -- not run'::text
$body$;
