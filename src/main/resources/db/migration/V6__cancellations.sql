-- The history of cancellations of bought reservations (releases of holds are not here:
-- nothing was paid). Written by the cancellation worker with the refund, in one
-- transaction; completed_at is set once the seats are back on sale.
CREATE TABLE cancellation (
    reservation_id VARCHAR(64)  PRIMARY KEY,
    user_id        VARCHAR(128) NOT NULL,
    requested_at   TIMESTAMPTZ  NOT NULL,
    completed_at   TIMESTAMPTZ,
    refund_amount  BIGINT       NOT NULL CHECK (refund_amount >= 0),
    reason         VARCHAR(32)  NOT NULL
);
CREATE INDEX cancellation_user ON cancellation (user_id, requested_at);
