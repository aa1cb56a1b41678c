-- lint-case: a FOREIGN KEY without NOT VALID checks every row under SHARE ROW EXCLUSIVE on both tables
-- expect: constraint-missing-not-valid Info
ALTER TABLE customer_engagement_metrics
    ADD CONSTRAINT customer_engagement_metrics_profile_fk FOREIGN KEY (customer_id) REFERENCES customer_profiles (id);
