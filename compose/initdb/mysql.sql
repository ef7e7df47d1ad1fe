-- One database per MySQL-backed subgraph, owned by the pms user.
CREATE DATABASE IF NOT EXISTS patients;
CREATE DATABASE IF NOT EXISTS doctors;
GRANT ALL PRIVILEGES ON patients.* TO 'pms'@'%';
GRANT ALL PRIVILEGES ON doctors.* TO 'pms'@'%';
