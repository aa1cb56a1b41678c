-- lint-case: trap: a validated CHECK (full_name IS NOT NULL) exists, so SET NOT NULL skips the scan
-- expect: none
ALTER TABLE customers ALTER COLUMN full_name SET NOT NULL;
