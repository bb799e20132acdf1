CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE TABLE accounts (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), email varchar(200) NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE FUNCTION normalize_email(e text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(trim(e)) $$;
