-- Exact row count of one relation; {relation} is a name quoted by Identifier.Quote (never user text).
select count(*) from {relation};
