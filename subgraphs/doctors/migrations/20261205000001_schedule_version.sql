-- A counter bumped in the same transaction as every change of a doctor's working hours
-- (weekly pattern, time off, extra hours): a service holding a copy of the hours (the
-- appointments subgraph) asks for it with the doctor and fetches the hours again only
-- when it moved. A registration's hours are version 1.
ALTER TABLE doctors ADD COLUMN schedule_version BIGINT NOT NULL DEFAULT 1;
