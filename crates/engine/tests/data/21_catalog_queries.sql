-- Catalog lookups in DO blocks: system catalogs and information_schema views answered from
-- the simulated schema, joins, sub-queries, SELECT INTO, loops, regclass.
CREATE TYPE mood AS ENUM ('happy', 'sad');
-- ok
CREATE TABLE accounts (
  id serial PRIMARY KEY,
  email varchar(255) NOT NULL UNIQUE,
  mood mood,
  tags text[],
  created_at timestamptz DEFAULT now()
);
-- ok
CREATE TABLE members (account_id int REFERENCES accounts (id), name text);
-- ok
CREATE VIEW account_emails AS SELECT id, email FROM accounts;
-- ok
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- ok
DO $$
BEGIN
  IF NOT EXISTS (SELECT schema_name FROM information_schema.schemata WHERE schema_name = 'app') THEN
    CREATE SCHEMA app;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'app') THEN
    RAISE EXCEPTION 'schema app missing';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_type WHERE typname = 'int4') AND EXISTS (SELECT 1 FROM pg_type WHERE typname = '_mood')
     AND EXISTS (SELECT 1 FROM pg_type WHERE typname = 'accounts' AND typtype = 'c') THEN
    RAISE NOTICE 'types: built-in, array and row types found';
  END IF;
END$$;
-- NOTICE: types: built-in, array and row types found
-- ok
DO $$
DECLARE
  dt text;
  udt text;
  nullable text;
  len int;
BEGIN
  SELECT data_type, udt_name, is_nullable, character_maximum_length INTO dt, udt, nullable, len
  FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'accounts' AND column_name = 'email';
  RAISE NOTICE 'email: % % % %', dt, udt, nullable, len;
  SELECT data_type, udt_name INTO dt, udt
  FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'mood';
  RAISE NOTICE 'mood: % %', dt, udt;
  SELECT data_type, udt_name INTO dt, udt
  FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'tags';
  RAISE NOTICE 'tags: % %', dt, udt;
  SELECT data_type, is_nullable INTO dt, nullable
  FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'id';
  RAISE NOTICE 'id: % %', dt, nullable;
END$$;
-- NOTICE: email: character varying varchar NO 255
-- NOTICE: mood: USER-DEFINED mood
-- NOTICE: tags: ARRAY _text
-- NOTICE: id: integer NO
-- ok
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'deleted_at' AND NOT attisdropped) THEN
    ALTER TABLE accounts ADD COLUMN deleted_at timestamptz;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'public.accounts'::regclass AND attname = 'ctid' AND attnum < 0) THEN
    RAISE NOTICE 'system column ctid';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = 'public' AND indexname = 'accounts_created_at_idx') THEN
    CREATE INDEX accounts_created_at_idx ON accounts (created_at);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_indexes WHERE tablename = 'accounts' AND indexname = 'accounts_email_key') THEN
    RAISE NOTICE 'unique index on email';
  END IF;
END$$;
-- NOTICE: system column ctid
-- NOTICE: unique index on email
-- ok
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'members'::regclass AND contype = 'f'
             AND confrelid = 'accounts'::regclass) THEN
    RAISE NOTICE 'members references accounts';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.table_constraints
                 WHERE table_name = 'members' AND constraint_type = 'UNIQUE') THEN
    ALTER TABLE members ADD CONSTRAINT members_name_key UNIQUE (name);
  END IF;
  IF (SELECT count(*) FROM information_schema.table_constraints
      WHERE table_schema = 'public' AND table_name = 'accounts' AND constraint_type = 'CHECK') = 2 THEN
    RAISE NOTICE 'two NOT NULL checks on accounts';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgname LIKE 'RI_ConstraintTrigger_%' AND tgrelid = 'members'::regclass) THEN
    RAISE NOTICE 'foreign key triggers';
  END IF;
END$$;
-- NOTICE: members references accounts
-- NOTICE: two NOT NULL checks on accounts
-- NOTICE: foreign key triggers
-- ok
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'accounts_touch' AND NOT tgisinternal) THEN
    CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'accounts_touch' AND NOT tgisinternal) THEN
    CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
  END IF;
  ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
  IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = 'accounts' AND policyname = 'own rows') THEN
    CREATE POLICY "own rows" ON accounts FOR SELECT USING (true);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'accounts' AND rowsecurity)
     AND EXISTS (SELECT 1 FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
                 WHERE c.relname = 'accounts' AND p.polcmd = 'r') THEN
    RAISE NOTICE 'accounts has row level security and a SELECT policy';
  END IF;
END$$;
-- NOTICE: accounts has row level security and a SELECT policy
-- ok
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'public' AND p.proname = 'touch') THEN
    RAISE EXCEPTION 'touch() missing';
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.routines WHERE routine_schema = 'public' AND routine_name = 'touch'
             AND routine_type = 'FUNCTION') THEN
    RAISE NOTICE 'routine touch';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'now') THEN
    RAISE NOTICE 'built-in now()';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgcrypto') THEN
    CREATE EXTENSION pgcrypto WITH SCHEMA app;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'app' AND p.proname = 'gen_salt') THEN
    RAISE NOTICE 'pgcrypto functions in app';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'no_such_type') THEN
    RAISE NOTICE 'no type no_such_type';
  END IF;
END$$;
-- NOTICE: routine touch
-- NOTICE: built-in now()
-- NOTICE: pgcrypto functions in app
-- NOTICE: no type no_such_type
-- ok
DO $$
DECLARE
  r record;
  n int := 0;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c
           WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = 'public')
             AND c.relkind IN ('r', 'v', 'S')
           ORDER BY c.relname LOOP
    RAISE NOTICE '% (%)', r.relname, r.relkind;
    n := n + 1;
  END LOOP;
  RAISE NOTICE '% relations', n;
  IF EXISTS (SELECT 1 FROM pg_sequences WHERE sequencename = 'accounts_id_seq' AND data_type = 'integer'::regtype) THEN
    RAISE NOTICE 'serial sequence';
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.views WHERE table_name = 'account_emails')
     AND NOT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 'account_emails' AND table_type = 'BASE TABLE') THEN
    RAISE NOTICE 'account_emails is a view';
  END IF;
END$$;
-- NOTICE: account_emails (v)
-- NOTICE: accounts (r)
-- NOTICE: accounts_id_seq (S)
-- NOTICE: members (r)
-- NOTICE: 4 relations
-- NOTICE: serial sequence
-- NOTICE: account_emails is a view
-- ok
DO $$
<<main>>
DECLARE
  total int := 0;
  i int := 0;
BEGIN
  WHILE i < 10 LOOP
    i := i + 1;
    CONTINUE WHEN i % 2 = 0;
    EXIT WHEN i > 7;
    total := total + i;
  END LOOP;
  DECLARE
    total int := 100;
  BEGIN
    RAISE NOTICE 'inner %, outer %', total, main.total;
  END;
  FOR k IN REVERSE 3..1 LOOP
    RAISE NOTICE 'k = %', k;
  END LOOP;
END$$;
-- NOTICE: inner 100, outer 16
-- NOTICE: k = 3
-- NOTICE: k = 2
-- NOTICE: k = 1
-- ok
DO $$
DECLARE
  v text;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mood' AND e.enumlabel = 'happy') THEN
    RAISE NOTICE 'mood has happy';
  END IF;
  SELECT c.relname INTO v FROM pg_class c LEFT JOIN pg_index i ON i.indexrelid = c.oid
  WHERE c.relname = 'members' AND i.indexrelid IS NULL;
  RAISE NOTICE 'left join: %', v;
  SELECT relname INTO v FROM pg_class c
  WHERE relname = 'accounts' AND EXISTS (SELECT 1 FROM pg_namespace n WHERE n.oid = c.relnamespace AND n.nspname = 'public');
  RAISE NOTICE 'correlated: %', v;
  RAISE NOTICE 'search_path: %', current_setting('search_path');
  RAISE NOTICE 'regclass: % %', 'accounts'::regclass, 'pg_catalog.pg_class'::regclass;
  SELECT relname INTO STRICT v FROM pg_class WHERE relname = 'no_such_relation';
END$$;
-- NOTICE: mood has happy
-- NOTICE: left join: members
-- NOTICE: correlated: accounts
-- NOTICE: search_path: "$user", public
-- NOTICE: regclass: accounts pg_class
-- ERROR P0002: query returned no rows
DO $$ BEGIN PERFORM 'no_such_relation'::regclass; END $$;
-- ERROR 42P01: relation "no_such_relation" does not exist
DO $$ BEGIN PERFORM 'nosuch.accounts'::regclass; END $$;
-- ERROR 42P01: relation "nosuch.accounts" does not exist
DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_no_such_view) THEN NULL; END IF; END $$;
-- ERROR 42P01: relation "pg_catalog.pg_no_such_view" does not exist
DO $$
BEGIN
  IF to_regclass('public.members') IS NOT NULL AND to_regclass('public.nothing') IS NULL THEN
    EXECUTE format('ALTER TABLE %s ADD COLUMN %I int', to_regclass('public.members'), 'Rank');
  END IF;
END$$;
-- ok
SELECT 1 FROM nosuch.accounts;
-- ERROR 42P01: relation "nosuch.accounts" does not exist
INSERT INTO nosuch.accounts VALUES (1);
-- ERROR 42P01: relation "nosuch.accounts" does not exist
