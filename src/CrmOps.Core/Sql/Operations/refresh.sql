-- Refreshes one materialized view; {concurrently} is empty or CONCURRENTLY, {view} a name quoted by Identifier.Quote.
refresh materialized view {concurrently} {view};
