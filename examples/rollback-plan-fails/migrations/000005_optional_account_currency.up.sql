-- Multi-currency accounts: the per-account currency becomes optional and a
-- default currency is used when it is not set.
ALTER TABLE accounts ALTER COLUMN currency DROP NOT NULL;
ALTER TABLE accounts ADD COLUMN default_currency CHAR(3) NOT NULL DEFAULT 'USD';
