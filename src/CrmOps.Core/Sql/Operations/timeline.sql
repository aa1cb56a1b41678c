-- One customer's activity, newest first (the view alone: a read of the timeline waits for nothing but the view).
SELECT t.customer_id, t.activity_type, t.created_at,
       t.metadata ->> 'event_name', (t.metadata ->> 'amount')::numeric, t.metadata ->> 'source',
       t.metadata ->> 'status', t.metadata ->> 'purchaser_name', t.metadata ->> 'order_id'
  FROM public.customer_activity_timeline t
 WHERE t.customer_id = @customer_id
 ORDER BY t.created_at DESC
 LIMIT @last;
