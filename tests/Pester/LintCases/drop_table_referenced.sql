-- lint-case: customers is referenced by orders' foreign key: the DROP fails
-- expect: ban-drop-table Warning
-- expect: drop-with-dependents Error
-- oracle: fails
DROP TABLE customers;
