DROP TABLE ledger_entries;
DROP TYPE entry_kind;
