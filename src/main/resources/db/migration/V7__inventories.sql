-- Quantity inventories of a schedule (general admission, passes, add-ons): sold by count,
-- not by numbered seat. Their live counts are in Redis; this is their catalog.
CREATE TABLE inventory (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    schedule_id  BIGINT       NOT NULL REFERENCES schedule (id),
    name         VARCHAR(100) NOT NULL,
    quantity     INTEGER      NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    price        BIGINT       NOT NULL CHECK (price >= 0),
    max_per_user INTEGER      NOT NULL CHECK (max_per_user >= 1),
    created_at   TIMESTAMPTZ  NOT NULL,
    UNIQUE (schedule_id, name)
);

-- The units a reservation holds or bought, beside its seats (reservation_seat).
CREATE TABLE reservation_item (
    reservation_id VARCHAR(64) NOT NULL REFERENCES reservation (id),
    inventory_id   BIGINT      NOT NULL,
    quantity       INTEGER     NOT NULL CHECK (quantity > 0),
    price          BIGINT      NOT NULL CHECK (price >= 0),
    PRIMARY KEY (reservation_id, inventory_id)
);
CREATE INDEX reservation_item_inventory ON reservation_item (inventory_id);
