-- Makes the current transaction read-only: reads never write, even for a role that could.
set transaction read only;
