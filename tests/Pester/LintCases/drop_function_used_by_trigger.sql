-- lint-case: a trigger uses the function: the DROP fails
-- expect: drop-with-dependents Error
-- oracle: fails
DROP FUNCTION public.calculate_lead_score_for_customer_profiles();
