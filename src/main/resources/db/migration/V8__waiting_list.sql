-- Schedules' waiting lists (README "Waiting list"), from the WAITING_JOINED and WAITING_LEFT
-- events: one row per join, in join order (join_number); left_at once the fan left the line
-- or was offered a reservation. A rebuild puts the rows without left_at back in that order.
CREATE TABLE waiting_list_entry (
    schedule_id  BIGINT       NOT NULL,
    join_number  BIGINT       NOT NULL,
    user_id      VARCHAR(128) NOT NULL,
    request      VARCHAR(64)  NOT NULL,
    joined_at    TIMESTAMPTZ  NOT NULL,
    left_at      TIMESTAMPTZ,
    PRIMARY KEY (schedule_id, join_number)
);

-- A reservation a waiting list offered (its events say offer=true), so a rebuild restores it as one.
ALTER TABLE reservation ADD COLUMN offer BOOLEAN NOT NULL DEFAULT false;
