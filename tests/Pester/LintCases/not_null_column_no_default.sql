-- lint-case: a NOT NULL column without a default on a table with rows fails
-- expect: adding-not-nullable-field Error
-- oracle: fails
ALTER TABLE customer_emails ADD COLUMN source text NOT NULL;
