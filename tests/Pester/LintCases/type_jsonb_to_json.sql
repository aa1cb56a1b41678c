-- lint-case: jsonb to json is a conversion, not a relabel
-- expect: changing-column-type Warning
ALTER TABLE "orders_htx" ALTER "raw" SET DATA TYPE json;
