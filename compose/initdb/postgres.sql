-- appointments is created by POSTGRES_DB; billing is the other PostgreSQL-backed subgraph.
CREATE DATABASE billing OWNER pms;
