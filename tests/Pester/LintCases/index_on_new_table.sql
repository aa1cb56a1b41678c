-- lint-case: trap: an index on a table created earlier in the same migration (RLS enabled: no finding at all)
-- expect: none
CREATE TABLE public.loyalty_points (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id uuid NOT NULL REFERENCES public.customer_profiles (id),
    points      integer NOT NULL DEFAULT 0
);
ALTER TABLE public.loyalty_points ENABLE ROW LEVEL SECURITY;
CREATE INDEX idx_loyalty_points_customer ON public.loyalty_points (customer_id);
