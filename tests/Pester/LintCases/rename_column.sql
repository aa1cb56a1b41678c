-- lint-case: renaming a column breaks running clients
-- expect: renaming-column Warning
ALTER TABLE customers RENAME COLUMN full_name TO display_name;
