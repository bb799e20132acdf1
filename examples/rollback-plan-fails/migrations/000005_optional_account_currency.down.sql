ALTER TABLE accounts DROP COLUMN default_currency;
