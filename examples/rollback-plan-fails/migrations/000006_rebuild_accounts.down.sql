DROP TABLE accounts;
DROP TYPE account_status;

ALTER SEQUENCE accounts_legacy_id_seq RENAME TO accounts_id_seq;
ALTER INDEX accounts_legacy_owner_email_key RENAME TO accounts_owner_email_key;
ALTER INDEX accounts_legacy_pkey RENAME TO accounts_pkey;
ALTER TABLE accounts_legacy RENAME TO accounts;
