-- The application's queries.
SELECT id, normalize_email(email) FROM accounts WHERE created_at > now() - interval '1 day';
INSERT INTO accounts (id, email) VALUES (uuid_generate_v4(), normalize_email('A@example.com'));
SELECT account_slug(email), count(*) FROM accounts GROUP BY 1;
UPDATE accounts SET email = normalise_email(email) WHERE id = uuid_generate_v4();
