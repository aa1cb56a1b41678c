-- After a migration's own statements: back to the login role (a migration may SET ROLE or SET SESSION AUTHORIZATION;
-- CrmOps' verify queries and history rows run as the identity the run started with). Resets the role setting too.
reset session authorization;
