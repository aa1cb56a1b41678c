-- Restores the role setting the run started with (see current_role.sql), after reset_identity.sql.
select set_config('role', $1, false);
