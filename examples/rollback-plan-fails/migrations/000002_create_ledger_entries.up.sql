CREATE TYPE entry_kind AS ENUM ('credit', 'debit');

CREATE TABLE ledger_entries (
    id            BIGSERIAL PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES accounts (id),
    kind          entry_kind NOT NULL,
    amount_cents  BIGINT NOT NULL CHECK (amount_cents > 0),
    memo          TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX ledger_entries_account_id_created_at_idx ON ledger_entries (account_id, created_at);
