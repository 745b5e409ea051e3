-- The durable record of reservations, fed from Kafka by the persistence consumer.
CREATE TABLE reservation (
    id          VARCHAR(64)  PRIMARY KEY,
    schedule_id BIGINT       NOT NULL,
    user_id     VARCHAR(128) NOT NULL,
    state       VARCHAR(16)  NOT NULL,
    amount      BIGINT       NOT NULL,
    version     BIGINT       NOT NULL,
    updated_at  TIMESTAMPTZ  NOT NULL
);
CREATE INDEX reservation_user ON reservation (user_id);

CREATE TABLE reservation_seat (
    reservation_id VARCHAR(64) NOT NULL REFERENCES reservation (id),
    seat_id        BIGINT      NOT NULL,
    PRIMARY KEY (reservation_id, seat_id)
);

-- Every event once (event id = <reservation id>:<version>): the reservation's history.
CREATE TABLE reservation_event (
    event_id       VARCHAR(100) PRIMARY KEY,
    reservation_id VARCHAR(64)  NOT NULL,
    type           VARCHAR(32)  NOT NULL,
    state          VARCHAR(16)  NOT NULL,
    version        BIGINT       NOT NULL,
    occurred_at    TIMESTAMPTZ  NOT NULL,
    recorded_at    TIMESTAMPTZ  NOT NULL
);
CREATE INDEX reservation_event_reservation ON reservation_event (reservation_id, version);
