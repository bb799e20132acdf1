ALTER TABLE ledger_entries DROP COLUMN refund_of;
-- PostgreSQL has no ALTER TYPE ... DROP VALUE; 'refund' stays in entry_kind.
