-- Doctors. Ids are UUIDv7 in BINARY(16). Enumerations are stored by their API names.
-- Email uniqueness is case-insensitive and applies to active doctors only (see patients).
CREATE TABLE doctors (
    id BINARY(16) NOT NULL PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    specialization VARCHAR(32) NOT NULL,
    phone_number VARCHAR(32) NOT NULL,
    email VARCHAR(254) NOT NULL,
    available BOOLEAN NOT NULL,
    gender VARCHAR(16) NOT NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    archived_at TIMESTAMP(6) NULL,
    active_email VARCHAR(254) AS (IF(archived_at IS NULL, email, NULL)) STORED,
    UNIQUE KEY doctors_active_email (active_email),
    KEY doctors_specialization (specialization, available),
    KEY doctors_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
