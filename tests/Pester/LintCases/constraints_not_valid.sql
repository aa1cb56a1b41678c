-- lint-case: trap: the same constraints NOT VALID (validated in a later migration) are instant
-- expect: none
ALTER TABLE customer_emails ADD CONSTRAINT customer_emails_has_at CHECK (position('@' in email) > 0) NOT VALID;
ALTER TABLE customer_engagement_metrics
    ADD CONSTRAINT customer_engagement_metrics_profile_fk FOREIGN KEY (customer_id) REFERENCES customer_profiles (id) NOT VALID;
