-- lint-case: bigserial and a stored generated column rewrite too
-- expect: adding-field-with-default Warning
ALTER TABLE customer_emails
    ADD COLUMN seq bigserial,
    ADD COLUMN domain text GENERATED ALWAYS AS (split_part(email, '@', 2)) STORED;
