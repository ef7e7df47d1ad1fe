-- Patients. Ids are UUIDv7 in BINARY(16) (time-ordered, so the primary key grows at its end).
-- Email uniqueness is case-insensitive (the column's _ci collation) and applies to active
-- patients only: archived rows leave `active_email` NULL, which a UNIQUE index allows many of.
CREATE TABLE patients (
    id BINARY(16) NOT NULL PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    email VARCHAR(254) NOT NULL,
    phone VARCHAR(32) NOT NULL,
    registration_date DATE NOT NULL,
    date_of_birth DATE NULL,
    address VARCHAR(500) NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    archived_at TIMESTAMP(6) NULL,
    active_email VARCHAR(254) AS (IF(archived_at IS NULL, email, NULL)) STORED,
    UNIQUE KEY patients_active_email (active_email),
    KEY patients_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
