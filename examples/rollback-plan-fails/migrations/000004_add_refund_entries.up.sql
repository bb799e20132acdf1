-- Refunds are their own kind of entry and point at the entry they refund.
ALTER TYPE entry_kind ADD VALUE 'refund';

ALTER TABLE ledger_entries ADD COLUMN refund_of BIGINT REFERENCES ledger_entries (id);
