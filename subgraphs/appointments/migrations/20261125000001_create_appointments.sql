-- Appointments. A doctor's active appointments (SCHEDULED, CHECKED_IN) never overlap, nor a
-- patient's: the database enforces it with exclusion constraints over the booked time
-- range, so two concurrent bookings cannot both pass a read-then-write check. Ranges are
-- half-open ([start, end)), so back-to-back appointments do not clash.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE appointments (
    id UUID PRIMARY KEY,
    patient_id UUID NOT NULL,
    doctor_id UUID NOT NULL,
    -- The doctor's specialization when booked, carried in events so consumers never call back.
    doctor_specialization TEXT NOT NULL,
    service_type TEXT NOT NULL CHECK (service_type IN (
        'CONSULTATION', 'FOLLOW_UP', 'CHECKUP', 'VACCINATION', 'LAB_TEST',
        'IMAGING', 'PROCEDURE', 'SURGERY', 'THERAPY')),
    -- The wall-clock date and time as booked, in the clinic's time zone.
    local_date DATE NOT NULL,
    local_time TIME NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('SCHEDULED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW')),
    notes TEXT NULL,
    cancellation_reason TEXT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CONSTRAINT appointments_doctor_busy EXCLUDE USING gist (
        doctor_id WITH =, tstzrange(starts_at, ends_at) WITH &&
    ) WHERE (status IN ('SCHEDULED', 'CHECKED_IN')),
    CONSTRAINT appointments_patient_busy EXCLUDE USING gist (
        patient_id WITH =, tstzrange(starts_at, ends_at) WITH &&
    ) WHERE (status IN ('SCHEDULED', 'CHECKED_IN'))
);

CREATE INDEX appointments_doctor_schedule ON appointments (doctor_id, starts_at, id);
CREATE INDEX appointments_patient_schedule ON appointments (patient_id, starts_at, id);
CREATE INDEX appointments_schedule ON appointments (starts_at, id);
