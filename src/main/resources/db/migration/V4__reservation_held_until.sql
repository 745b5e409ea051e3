-- The hold deadline, so a schedule's live holds can be rebuilt in Redis from PostgreSQL.
ALTER TABLE reservation ADD COLUMN held_until TIMESTAMPTZ;
CREATE INDEX reservation_schedule ON reservation (schedule_id, state);
