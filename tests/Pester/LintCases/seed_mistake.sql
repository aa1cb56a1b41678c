-- lint-case: the seed's mistake: the scoring columns added to the 3-row test table customers, with no guard
-- expect: missing-row-guard Info
ALTER TABLE customers
    ADD COLUMN lead_score integer,
    ADD COLUMN rfm_recency integer,
    ADD COLUMN rfm_frequency integer,
    ADD COLUMN rfm_monetary integer,
    ADD COLUMN last_scored_at timestamptz;
