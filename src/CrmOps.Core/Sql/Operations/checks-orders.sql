-- Orders whose email links to no customer (missing, or unknown to customer_emails).
SELECT count(*)                                                   AS orders,
       count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM public.customer_emails ce WHERE lower(ce.email) = o.email)) AS unlinked,
       (SELECT count(*) FROM public.customer_profiles)            AS profiles
  FROM public.customer_orders_v o;
