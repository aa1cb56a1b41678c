-- Each query must return true.
-- The timeline holds exactly the orders that link to a customer.
SELECT (SELECT count(*) FROM public.customer_activity_timeline)
     = (SELECT count(*) FROM public.customer_orders_v o JOIN public.customer_emails ce ON lower(ce.email) = o.email);
-- It can be refreshed concurrently: a unique index on a plain column, no predicate.
SELECT EXISTS (
    SELECT 1 FROM pg_index i
     WHERE i.indrelid = 'public.customer_activity_timeline'::regclass
       AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indisvalid);
-- Every activity is an order with the metadata the CRM UI reads.
SELECT NOT EXISTS (
    SELECT 1 FROM public.customer_activity_timeline
     WHERE activity_type <> 'order' OR NOT (metadata ?& ARRAY['order_id', 'amount', 'event_name', 'status', 'source']));
