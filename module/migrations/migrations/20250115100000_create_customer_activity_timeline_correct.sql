-- crmops:require-rows customer_profiles >= 10
-- crmops:require-rows customer_emails >= 10
--
-- The customer activity timeline (the seed's corrected migration 1). One row per platform order
-- (Humanitix and Eventbrite, through customer_orders_v) whose email links to a customer through
-- customer_emails. Built on customer_profiles' real data, not the 3-row test table "customers":
-- the require-rows guards above refuse a database where the real tables are (nearly) empty.
--
-- activity_id (source:order_id) is unique and a plain column, so the view can be refreshed
-- CONCURRENTLY (readers are never blocked): see Invoke-CrmTimelineRefresh.

CREATE MATERIALIZED VIEW public.customer_activity_timeline AS
SELECT ce.customer_id,
       'order'::text AS activity_type,
       o.created_at,
       jsonb_build_object(
           'order_id',       o.order_id,
           'amount',         o.amount,
           'event_name',     o.event_name,
           'status',         o.status,
           'source',         o.source,
           'purchaser_name', o.purchaser_name) AS metadata,
       o.source || ':' || o.order_id AS activity_id
  FROM public.customer_orders_v o
  JOIN public.customer_emails ce ON lower(ce.email) = o.email;

CREATE UNIQUE INDEX idx_customer_activity_timeline_activity_id
    ON public.customer_activity_timeline (activity_id);
CREATE INDEX idx_customer_activity_timeline_customer_date
    ON public.customer_activity_timeline (customer_id, created_at DESC);
CREATE INDEX idx_customer_activity_timeline_type
    ON public.customer_activity_timeline (activity_type);

COMMENT ON MATERIALIZED VIEW public.customer_activity_timeline IS
    'Order activity per customer (Humanitix + Eventbrite via customer_orders_v, linked by customer_emails). Refresh with Invoke-CrmTimelineRefresh.';
