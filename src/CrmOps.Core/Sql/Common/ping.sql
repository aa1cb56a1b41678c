-- An empty statement: one round trip that proves a pooled connection is alive before work starts.
;
