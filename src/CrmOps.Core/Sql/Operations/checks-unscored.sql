-- Profiles without a lead score (Test-CrmDatabase EveryProfileScored).
select count(*) from public.customer_profiles where lead_score is null;
