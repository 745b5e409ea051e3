-- Points live here, not in Redis: every balance change is one conditional statement that
-- also appends its ledger entry, so balance = Σ ledger amounts at every commit.
CREATE TABLE wallet (
    user_id    VARCHAR(128) PRIMARY KEY,
    balance    BIGINT       NOT NULL CHECK (balance >= 0),
    updated_at TIMESTAMPTZ  NOT NULL
);

-- Append-only. amount is the signed change: CHARGE and REFUND > 0, PAYMENT < 0.
CREATE TABLE ledger_entry (
    id             BIGSERIAL    PRIMARY KEY,
    user_id        VARCHAR(128) NOT NULL,
    type           VARCHAR(8)   NOT NULL CHECK (type IN ('CHARGE', 'PAYMENT', 'REFUND')),
    amount         BIGINT       NOT NULL,
    balance_after  BIGINT       NOT NULL CHECK (balance_after >= 0),
    reservation_id VARCHAR(64),
    created_at     TIMESTAMPTZ  NOT NULL,
    CHECK ((type = 'CHARGE') = (reservation_id IS NULL))
);
CREATE INDEX ledger_entry_user ON ledger_entry (user_id, id);
-- at most one PAYMENT and one REFUND per reservation, whatever the code above does
CREATE UNIQUE INDEX ledger_entry_once ON ledger_entry (reservation_id, type) WHERE reservation_id IS NOT NULL;

-- One payment per reservation.
CREATE TABLE payment (
    reservation_id VARCHAR(64)  PRIMARY KEY,
    user_id        VARCHAR(128) NOT NULL,
    amount         BIGINT       NOT NULL CHECK (amount >= 0),
    paid_at        TIMESTAMPTZ  NOT NULL
);

-- The decision for each payment attempt (attempt = the reservation version that entered
-- PAYING): PAID by the request that debited, or VOIDED by the recovery job, whichever
-- commits first. Once VOIDED, that attempt can never debit.
CREATE TABLE payment_attempt (
    reservation_id VARCHAR(64) NOT NULL,
    attempt        BIGINT      NOT NULL,
    outcome        VARCHAR(8)  NOT NULL CHECK (outcome IN ('PAID', 'VOIDED')),
    decided_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (reservation_id, attempt)
);

-- One refund per reservation (cancellation, or a payment whose seats were lost).
CREATE TABLE refund (
    reservation_id VARCHAR(64)  PRIMARY KEY REFERENCES payment (reservation_id),
    user_id        VARCHAR(128) NOT NULL,
    amount         BIGINT       NOT NULL CHECK (amount >= 0),
    reason         VARCHAR(32)  NOT NULL,
    refunded_at    TIMESTAMPTZ  NOT NULL
);

-- Stored responses of POST /api/me/points/charges, per user and Idempotency-Key.
CREATE TABLE idempotency_record (
    user_id      VARCHAR(128) NOT NULL,
    idem_key     VARCHAR(255) NOT NULL,
    request_hash VARCHAR(64)  NOT NULL,
    status       INT          NOT NULL,
    body         TEXT         NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
