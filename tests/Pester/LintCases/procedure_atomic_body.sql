-- lint-case: trap: "SET search_path = ..." in a BEGIN ATOMIC body is an UPDATE of a column, not an option
-- expect: function-search-path-mutable Warning
CREATE TABLE public.prefs (id int PRIMARY KEY, search_path text);
ALTER TABLE public.prefs ENABLE ROW LEVEL SECURITY;
CREATE PROCEDURE public.reset_prefs()
LANGUAGE sql
BEGIN ATOMIC
    UPDATE public.prefs SET search_path = 'public';
END;
