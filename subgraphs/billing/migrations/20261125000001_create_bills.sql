-- Bills: one per appointment (appointment_id is unique), money as NUMERIC(12,2).
CREATE TABLE bills (
    id UUID PRIMARY KEY,
    appointment_id UUID NOT NULL UNIQUE,
    patient_id UUID NOT NULL,
    service_type TEXT NOT NULL,
    amount NUMERIC(12, 2) NOT NULL CHECK (amount >= 0),
    currency CHAR(3) NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('UNPAID', 'PAID', 'VOID')),
    payment_type TEXT NULL CHECK (payment_type IN ('CASH', 'CREDIT_CARD', 'DEBIT_CARD', 'INSURANCE', 'BANK_TRANSFER')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    paid_at TIMESTAMPTZ NULL,
    voided_at TIMESTAMPTZ NULL,
    CHECK ((status = 'PAID') = (paid_at IS NOT NULL AND payment_type IS NOT NULL))
);
CREATE INDEX bills_patient ON bills (patient_id, id);

-- Every consumed event id, written in the same transaction as its effect: a redelivered
-- event finds its id here and changes nothing.
CREATE TABLE processed_events (
    event_id UUID PRIMARY KEY,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Cancellations seen before their booking (possible after a rebalance): the bill is then
-- created void.
CREATE TABLE early_cancellations (
    appointment_id UUID PRIMARY KEY,
    cancelled_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
