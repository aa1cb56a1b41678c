-- For this transaction only: the session's search_path without CrmOps' own schema, so that when the login role is
-- itself named "crmops" ("$user" resolves to schema crmops) a migration's unqualified names still go to public.
select set_config('search_path',
       coalesce((select string_agg(quote_ident(s), ', ' order by ord)
                 from unnest(current_schemas(false)) with ordinality as u(s, ord)
                 where s <> 'crmops'), 'public'),
       true);
