-- lint-case: the same statement is an Error from -ErrorRows
-- lint-args: -WarningRows 1000 -ErrorRows 5000
-- expect: require-concurrent-index-creation Error
CREATE INDEX idx_orders_eventbrite_currency ON public.orders_eventbrite (currency);
