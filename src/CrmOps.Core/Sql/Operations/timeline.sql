-- One customer's activity, newest first, with the customer's name and primary email (the default view groups the
-- rows of several customers under them).
SELECT t.customer_id, t.activity_type, t.created_at,
       t.metadata ->> 'event_name', (t.metadata ->> 'amount')::numeric, t.metadata ->> 'source',
       t.metadata ->> 'status', t.metadata ->> 'purchaser_name', t.metadata ->> 'order_id',
       p.canonical_full_name, e.email
  FROM public.customer_activity_timeline t
  LEFT JOIN public.customer_profiles p ON p.id = t.customer_id
  LEFT JOIN public.customer_emails e ON e.customer_id = t.customer_id AND e.is_primary
 WHERE t.customer_id = @customer_id
 ORDER BY t.created_at DESC
 LIMIT @last;
