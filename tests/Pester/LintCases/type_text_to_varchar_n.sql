-- lint-case: text to varchar(20) checks and rewrites every row
-- expect: changing-column-type Warning
ALTER TABLE customers ALTER COLUMN full_name TYPE varchar(20);
