CREATE VIEW account_balances AS
SELECT a.id AS account_id,
       a.owner_email,
       a.currency,
       coalesce(sum(CASE e.kind WHEN 'credit' THEN e.amount_cents ELSE -e.amount_cents END), 0) AS balance_cents
FROM accounts a
LEFT JOIN ledger_entries e ON e.account_id = a.id
GROUP BY a.id;
