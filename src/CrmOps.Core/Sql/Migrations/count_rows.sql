select count(*) from {0};
