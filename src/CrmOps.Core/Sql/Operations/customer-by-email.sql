-- The customer that owns an email, any of its emails, compared as the sync does (lower(trim(email)); the unique
-- index on lower(email) finds it).
SELECT ce.customer_id, p.canonical_full_name
  FROM public.customer_emails ce
  JOIN public.customer_profiles p ON p.id = ce.customer_id
 WHERE lower(ce.email) = lower(trim(@email));
