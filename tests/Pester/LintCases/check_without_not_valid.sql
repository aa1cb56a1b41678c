-- lint-case: a CHECK added without NOT VALID reads every row under ACCESS EXCLUSIVE
-- lint-args: -WarningRows 1000
-- expect: constraint-missing-not-valid Warning
ALTER TABLE customer_emails ADD CONSTRAINT customer_emails_has_at CHECK (position('@' in email) > 0);
