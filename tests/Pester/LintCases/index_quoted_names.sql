-- lint-case: quoted schema and table names, a unique index, and a size threshold below the table's rows
-- lint-args: -WarningRows 1000
-- expect: require-concurrent-index-creation Warning
CREATE UNIQUE INDEX "Idx Emails By Customer" ON "public"."customer_emails" (customer_id, id);
