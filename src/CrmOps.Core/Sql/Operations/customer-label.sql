-- A customer's name and primary email, to label its timeline. Asked with a short lock_timeout: a session holding
-- customer_profiles or customer_emails must not hold up a read of the timeline (the label is left out instead).
SELECT p.canonical_full_name, e.email
  FROM public.customer_profiles p
  LEFT JOIN public.customer_emails e ON e.customer_id = p.id AND e.is_primary
 WHERE p.id = @customer_id;
