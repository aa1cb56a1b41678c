-- Does customer_profiles carry the lead_score column (all the reports need)?
select exists (select 1 from pg_attribute
               where attrelid = to_regclass('public.customer_profiles') and attname = 'lead_score' and not attisdropped);
