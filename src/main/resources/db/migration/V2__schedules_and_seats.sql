CREATE TABLE schedule (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    concert_id      BIGINT      NOT NULL REFERENCES concert (id),
    starts_at       TIMESTAMPTZ NOT NULL,
    cancel_deadline TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX schedule_concert ON schedule (concert_id);

CREATE TABLE seat (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    schedule_id BIGINT       NOT NULL REFERENCES schedule (id),
    section     VARCHAR(50)  NOT NULL,
    row_no      INTEGER      NOT NULL CHECK (row_no > 0),
    number      INTEGER      NOT NULL CHECK (number > 0),
    label       VARCHAR(120) NOT NULL,
    price       BIGINT       NOT NULL CHECK (price >= 0),
    UNIQUE (schedule_id, label)
);
