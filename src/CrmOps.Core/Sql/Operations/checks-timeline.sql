-- Timeline coverage: the view against what it would hold if refreshed now.
SELECT (SELECT count(*) FROM public.customer_activity_timeline)                                   AS timeline_rows,
       (SELECT count(DISTINCT customer_id) FROM public.customer_activity_timeline)                AS timeline_customers,
       count(*)                                                                                    AS linked_orders,
       count(DISTINCT ce.customer_id)                                                              AS linked_customers
  FROM public.customer_orders_v o
  JOIN public.customer_emails ce ON lower(ce.email) = o.email;
