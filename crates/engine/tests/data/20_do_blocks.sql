-- DO blocks as migrations write them: catalog checks guarding CREATE, EXECUTE of computed
-- strings, RAISE, nested blocks with EXCEPTION handlers.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sim_anon') THEN CREATE ROLE sim_anon NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'sim_service') THEN CREATE ROLE sim_service NOLOGIN BYPASSRLS; END IF;
END$$;
-- ok
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sim_anon') THEN CREATE ROLE sim_anon NOLOGIN NOINHERIT; END IF;
  IF EXISTS (SELECT 1 FROM pg_user WHERE usename = 'postgres') THEN RAISE NOTICE 'postgres can log in'; END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pg_read_all_data') THEN RAISE NOTICE 'predefined role found'; END IF;
END$$;
-- NOTICE: postgres can log in
-- NOTICE: predefined role found
-- ok
CREATE ROLE sim_anon;
-- ERROR 42710: role "sim_anon" already exists
CREATE SCHEMA app;
-- ok
GRANT USAGE ON SCHEMA app TO sim_anon, sim_service;
-- ok
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                 WHERE t.typname = 'invitation_type' AND n.nspname = 'app') THEN
    CREATE TYPE app.invitation_type AS ENUM ('one_time', '24_hour');
  END IF;
END;
$$;
-- ok
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                 WHERE t.typname = 'invitation_type' AND n.nspname = 'app') THEN
    CREATE TYPE app.invitation_type AS ENUM ('one_time', '24_hour');
  ELSE
    RAISE NOTICE 'type % exists', 'app.invitation_type';
  END IF;
END;
$$;
-- NOTICE: type app.invitation_type exists
-- ok
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_enum JOIN pg_type ON pg_enum.enumtypid = pg_type.oid
                 WHERE pg_type.typname = 'invitation_type' AND enumlabel = 'forever') THEN
    ALTER TYPE app.invitation_type ADD VALUE 'forever';
  END IF;
END$$;
-- ok
CREATE TABLE app.buckets (id text PRIMARY KEY, max_file_size_kb int);
-- ok
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'buckets' AND column_name = 'max_file_size_kb') THEN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'buckets' AND column_name = 'file_size_limit') THEN
      ALTER TABLE app.buckets RENAME COLUMN max_file_size_kb TO file_size_limit;
      ALTER TABLE app.buckets ALTER COLUMN file_size_limit TYPE bigint;
    ELSE
      ALTER TABLE app.buckets DROP COLUMN max_file_size_kb;
    END IF;
  END IF;
END$$;
-- ok
DO $$
DECLARE
  anon_role text = COALESCE(current_setting('sim.anon_role', true), 'sim_anon');
  service_role text := 'sim_service';
  is_multitenant bool = COALESCE(current_setting('sim.multitenant', true), 'false')::boolean;
BEGIN
  EXECUTE 'GRANT SELECT ON TABLE app.buckets TO ' || anon_role || ', ' || service_role;
  EXECUTE format('COMMENT ON TABLE %I.%I IS %L', 'app', 'buckets', 'Files'' buckets');
  IF is_multitenant THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE TABLE app.%I (id int)', 'Tenant' || 1);
  RAISE NOTICE 'created %, multitenant: %', quote_ident('Tenant1'), is_multitenant;
END$$;
-- NOTICE: created "Tenant1", multitenant: f
-- ok
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                 WHERE conrelid = 'app.buckets'::regclass AND conname = 'buckets_id_check') THEN
    ALTER TABLE app.buckets ADD CONSTRAINT buckets_id_check CHECK (id <> '');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                 WHERE conrelid = 'app.buckets'::regclass AND conname = 'buckets_id_check') THEN
    ALTER TABLE app.buckets ADD CONSTRAINT buckets_id_check CHECK (id <> '');
  END IF;
END$$;
-- ok
DO $$
DECLARE
  drop_sql text;
BEGIN
  SELECT concat('ALTER TABLE app.buckets DROP CONSTRAINT ', constraint_name)
  INTO drop_sql
  FROM information_schema.table_constraints
  WHERE table_schema = 'app' AND table_name = 'buckets' AND constraint_type = 'PRIMARY KEY';
  IF drop_sql IS NOT NULL THEN
    RAISE NOTICE '%', drop_sql;
    EXECUTE drop_sql;
  END IF;
  ALTER TABLE app.buckets ADD COLUMN IF NOT EXISTS uid int NOT NULL DEFAULT 1;
  ALTER TABLE app.buckets ADD PRIMARY KEY (uid);
END$$;
-- NOTICE: ALTER TABLE app.buckets DROP CONSTRAINT buckets_pkey
-- ok
DO $$
BEGIN
  BEGIN
    CREATE TABLE app.scratch (a int);
    CREATE TYPE app.invitation_type AS ENUM ('x');
  EXCEPTION WHEN duplicate_object THEN
    RAISE NOTICE 'caught % (%)', SQLERRM, SQLSTATE;
  END;
  CREATE TABLE app.after_handler (a int);
END$$;
-- NOTICE: caught type "invitation_type" already exists (42710)
-- ok
SELECT 1 FROM app.scratch;
-- ERROR 42P01: relation "app.scratch" does not exist
DO $$
BEGIN
  CREATE TABLE app.doomed (a int);
  CREATE TABLE app.after_handler (a int);
END$$;
-- ERROR 42P07: relation "after_handler" already exists
SELECT 1 FROM app.doomed;
-- ERROR 42P01: relation "app.doomed" does not exist
DO $$
BEGIN
  CREATE TABLE app.after_handler (a int);
EXCEPTION WHEN unique_violation THEN NULL;
END$$;
-- ERROR 42P07: relation "after_handler" already exists
DO $$
BEGIN
  CREATE TABLE app.after_handler (a int);
EXCEPTION WHEN others THEN
  RAISE NOTICE 'skipped: %', SQLERRM;
END$$;
-- NOTICE: skipped: relation "after_handler" already exists
-- ok
DO $$
BEGIN
  BEGIN
    RAISE EXCEPTION 'inner % of %', 1, 2;
  EXCEPTION WHEN raise_exception THEN
    RAISE;
  END;
END$$;
-- ERROR P0001: inner 1 of 2
DO $$
BEGIN
  RAISE EXCEPTION 'Unstable upgrade: % rows', NULL USING ERRCODE = 'check_violation', HINT = 'Upgrade first.';
END$$;
-- ERROR 23514: Unstable upgrade: <NULL> rows
DO $$ BEGIN RAISE 'plain'; END $$;
-- ERROR P0001: plain
DO $$ BEGIN RAISE WARNING '100%% done'; END $$;
-- WARNING: 100% done
-- ok
DO $$ BEGIN RAISE division_by_zero; END $$;
-- ERROR 22012: division_by_zero
DO $$ BEGIN PERFORM 1 FROM app.nosuch; END $$;
-- ERROR 42P01: relation "app.nosuch" does not exist
DO $$ BEGIN SELECT 1; END $$;
-- ERROR 42601: query has no destination for result data
DO $$ BEGIN EXECUTE NULL; END $$;
-- ERROR 22004: query string argument of EXECUTE is null
DO $$ BEGIN EXECUTE 'CREATE TABL x'; END $$;
-- ERROR 42601: syntax error at or near "TABL"
DO $$ BEGIN NULL; EXCEPTION WHEN no_such_condition THEN NULL; END $$;
-- ERROR 42704: unrecognized exception condition "no_such_condition"
DO $$ DECLARE n int := 'x'; BEGIN NULL; END $$;
-- ERROR 22P02: invalid input syntax for type integer: "x"
DO $$ BEGIN ASSERT (SELECT count(*) FROM pg_extension WHERE extname = 'plpgsql') = 1, 'plpgsql missing'; END $$;
-- ok
DO $$ BEGIN ASSERT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = 'nope'), 'no schema nope'; END $$;
-- ERROR P0004: no schema nope
DO $$ BEGIN CASE 1 WHEN 2 THEN NULL; END CASE; END $$;
-- ERROR 20000: case not found
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'app' ORDER BY tablename LOOP
    EXECUTE format('ALTER TABLE app.%I ENABLE ROW LEVEL SECURITY', r.tablename);
    RAISE NOTICE 'rls on %', r.tablename;
  END LOOP;
  FOR i IN 1..2 LOOP
    EXECUTE format('CREATE TABLE app.part_%s (id int)', i);
  END LOOP;
END$$;
-- NOTICE: rls on Tenant1
-- NOTICE: rls on after_handler
-- NOTICE: rls on buckets
-- ok
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = 'app' AND table_name = 'part_2') THEN
    RAISE NOTICE 'part_2 exists';
  END IF;
  IF (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'app' AND c.relkind = 'r') = 5 THEN
    RAISE NOTICE 'five tables in app';
  END IF;
  IF to_regclass('app.part_3') IS NULL THEN
    RAISE NOTICE 'no part_3';
  END IF;
END$$;
-- NOTICE: part_2 exists
-- NOTICE: five tables in app
-- NOTICE: no part_3
-- ok
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'app' AND p.proname = 'answer') THEN
    CREATE FUNCTION app.answer() RETURNS int LANGUAGE plpgsql AS $f$ BEGIN RETURN 42; END $f$;
  END IF;
  EXECUTE $sql$CREATE FUNCTION app.twice(x int) RETURNS int LANGUAGE sql AS 'SELECT x * 2'$sql$;
  IF EXISTS (SELECT 1 FROM information_schema.routines WHERE routine_schema = 'app' AND routine_name = 'twice') THEN
    RAISE NOTICE 'functions created';
  END IF;
END$$;
-- NOTICE: functions created
-- ok
SELECT pg_catalog.set_config('search_path', '', false);
-- ok
CREATE TABLE nowhere (a int);
-- ERROR 3F000: no schema has been selected to create in
SELECT set_config('search_path', 'app, public', false);
-- ok
CREATE TABLE in_app (a int);
-- ok
SET ROLE sim_anon;
-- ok
RESET ROLE;
-- ok
