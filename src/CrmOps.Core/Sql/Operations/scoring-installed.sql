-- Is lead scoring installed? The rules function of the built-in migration and the score column.
select to_regprocedure('public.lead_score_components(timestamptz, integer, numeric, timestamptz)') is not null
   and exists (select 1 from pg_attribute
                where attrelid = to_regclass('public.customer_profiles') and attname = 'lead_score' and not attisdropped);
