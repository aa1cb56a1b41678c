-- Does a relation exist? @name is a (possibly qualified, possibly quoted) name as to_regclass reads it.
select to_regclass(@name) is not null;
