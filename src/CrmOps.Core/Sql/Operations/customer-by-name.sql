-- Customers whose canonical name matches @name_re (an anchored regular expression from a PowerShell wildcard
-- pattern, matched case-insensitively), in name order; at most @limit + 1 so that the caller can tell "too many".
SELECT p.id, p.canonical_full_name
  FROM public.customer_profiles p
 WHERE p.canonical_full_name ~* @name_re
 ORDER BY p.canonical_full_name, p.id
 LIMIT @limit + 1;
