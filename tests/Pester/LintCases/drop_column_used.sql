-- lint-case: dropping a column that views and the scoring trigger use: data loss, and it fails without CASCADE
-- expect: ban-drop-column Warning
-- expect: drop-with-dependents Error
-- oracle: fails
ALTER TABLE customer_profiles DROP COLUMN canonical_full_name;
