-- lint-case: renaming a table breaks running clients
-- expect: renaming-table Warning
ALTER TABLE orders RENAME TO orders_legacy;
