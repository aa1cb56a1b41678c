-- Why a lead query found nobody: the as-of instant of the last whole scoring run (none: never scored by CrmOps)
-- and the newest order. {last_as_of} is a subquery on the scoring-run log (Bookkeeping: where it is on this
-- database), or NULL when there is none.
SELECT {last_as_of} AS as_of,
       (SELECT max(last_order_at) FROM public.customer_engagement_metrics) AS newest_order;
