CREATE TABLE concert (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title      VARCHAR(200) NOT NULL,
    venue      VARCHAR(200) NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL
);

-- Per-concert waiting-room settings; a concert without a row uses the stagedoor.queue.* defaults.
CREATE TABLE queue_settings (
    concert_id          BIGINT  PRIMARY KEY REFERENCES concert (id),
    max_active          INTEGER NOT NULL CHECK (max_active > 0),
    admit_per_second    INTEGER NOT NULL CHECK (admit_per_second > 0),
    active_ttl_seconds  INTEGER NOT NULL CHECK (active_ttl_seconds > 0)
);
