-- Rebuild accounts with an external id and a status, copying the rows over
-- (the "swap table" pattern).  The old table is kept as accounts_legacy for a
-- release in case the copy has to be redone.
ALTER TABLE accounts RENAME TO accounts_legacy;
ALTER INDEX accounts_pkey RENAME TO accounts_legacy_pkey;
ALTER INDEX accounts_owner_email_key RENAME TO accounts_legacy_owner_email_key;
ALTER SEQUENCE accounts_id_seq RENAME TO accounts_legacy_id_seq;

CREATE TYPE account_status AS ENUM ('active', 'frozen', 'closed');

CREATE TABLE accounts (
    id                BIGSERIAL PRIMARY KEY,
    public_id         UUID NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    owner_email       TEXT NOT NULL UNIQUE,
    currency          CHAR(3),
    default_currency  CHAR(3) NOT NULL DEFAULT 'USD',
    status            account_status NOT NULL DEFAULT 'active',
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO accounts (id, owner_email, currency, default_currency, created_at)
SELECT id, owner_email, currency, default_currency, created_at FROM accounts_legacy;
SELECT setval('accounts_id_seq', coalesce((SELECT max(id) FROM accounts), 0) + 1, false);

-- Point the ledger and the balances view at the new table.
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_account_id_fkey;
ALTER TABLE ledger_entries
    ADD CONSTRAINT ledger_entries_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id);

CREATE OR REPLACE VIEW account_balances AS
SELECT a.id AS account_id,
       a.owner_email,
       a.currency,
       coalesce(sum(CASE e.kind WHEN 'credit' THEN e.amount_cents ELSE -e.amount_cents END), 0) AS balance_cents
FROM accounts a
LEFT JOIN ledger_entries e ON e.account_id = a.id
GROUP BY a.id;
