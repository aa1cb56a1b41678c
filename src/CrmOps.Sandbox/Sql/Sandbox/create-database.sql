-- The sandbox's CRM database (SandboxCluster.DatabaseName).
create database crm;
