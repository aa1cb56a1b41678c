-- lint-case: a volatile default (gen_random_uuid) is evaluated for every existing row: rewrite
-- expect: adding-field-with-default Warning
ALTER TABLE customer_emails ADD COLUMN token uuid DEFAULT gen_random_uuid();
