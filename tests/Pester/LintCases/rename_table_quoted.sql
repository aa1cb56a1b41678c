-- lint-case: renaming a table to a quoted name breaks running clients just the same
-- expect: renaming-table Warning
ALTER TABLE public.orders_eventbrite RENAME TO "Orders Eventbrite";
