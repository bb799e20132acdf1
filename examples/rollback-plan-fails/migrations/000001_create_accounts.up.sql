CREATE TABLE accounts (
    id           BIGSERIAL PRIMARY KEY,
    owner_email  TEXT NOT NULL UNIQUE,
    currency     CHAR(3) NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
