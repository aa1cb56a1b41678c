-- The role setting the run started with ('none' unless the connection set one), restored after the migration's statements.
select current_setting('role');
