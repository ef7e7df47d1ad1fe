-- Working hours. A weekly pattern holds from its valid_from until the doctor's next pattern
-- starts; its intervals are wall-clock minutes after midnight in the clinic's time zone
-- (CLINIC_TIMEZONE), 1440 being the end of the day. Weekdays are ISO: Monday 1, Sunday 7.
CREATE TABLE weekly_hours (
    doctor_id BINARY(16) NOT NULL,
    valid_from DATE NOT NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (doctor_id, valid_from),
    CONSTRAINT weekly_hours_doctor FOREIGN KEY (doctor_id) REFERENCES doctors (id)
) ENGINE = InnoDB;

CREATE TABLE weekly_intervals (
    doctor_id BINARY(16) NOT NULL,
    valid_from DATE NOT NULL,
    weekday TINYINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts_minute SMALLINT NOT NULL CHECK (starts_minute BETWEEN 0 AND 1435),
    ends_minute SMALLINT NOT NULL CHECK (ends_minute BETWEEN 5 AND 1440),
    PRIMARY KEY (doctor_id, valid_from, weekday, starts_minute),
    CONSTRAINT weekly_intervals_pattern FOREIGN KEY (doctor_id, valid_from)
        REFERENCES weekly_hours (doctor_id, valid_from) ON DELETE CASCADE
) ENGINE = InnoDB;

-- Time off (a whole day when both minutes are NULL) and extra hours on one date.
CREATE TABLE schedule_exceptions (
    id BINARY(16) NOT NULL PRIMARY KEY,
    doctor_id BINARY(16) NOT NULL,
    kind VARCHAR(16) NOT NULL CHECK (kind IN ('TIME_OFF', 'EXTRA_HOURS')),
    date DATE NOT NULL,
    starts_minute SMALLINT NULL CHECK (starts_minute BETWEEN 0 AND 1435),
    ends_minute SMALLINT NULL CHECK (ends_minute BETWEEN 5 AND 1440),
    reason VARCHAR(200) NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    CHECK ((starts_minute IS NULL) = (ends_minute IS NULL)),
    KEY schedule_exceptions_doctor_date (doctor_id, date),
    CONSTRAINT schedule_exceptions_doctor FOREIGN KEY (doctor_id) REFERENCES doctors (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Doctors registered before working hours existed get the clinic's default week, Monday to
-- Friday 08:00-18:00, from the day they were registered.
INSERT INTO weekly_hours (doctor_id, valid_from) SELECT id, DATE(created_at) FROM doctors;
INSERT INTO weekly_intervals (doctor_id, valid_from, weekday, starts_minute, ends_minute)
SELECT doctors.id, DATE(doctors.created_at), days.weekday, 480, 1080
FROM doctors
CROSS JOIN (SELECT 1 AS weekday UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
            UNION ALL SELECT 5) AS days;
