-- Row counts of tables created in the replay: a new table is empty until something writes to
-- it; INSERT ... SELECT from an empty source (CTEs, joins) writes nothing, even through row
-- triggers. A DO block can read such counts.
CREATE TABLE rk_downloads (version_id int, date date, downloads int DEFAULT 1);
-- ok
CREATE TABLE rk_versions (id int PRIMARY KEY, num text);
-- ok
CREATE FUNCTION rk_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO rk_versions VALUES (1, 'x'); RETURN NEW; END $$;
-- ok
CREATE TRIGGER rk_touch AFTER INSERT ON rk_downloads FOR EACH ROW EXECUTE FUNCTION rk_touch();
-- ok
WITH recent AS (SELECT id FROM rk_versions WHERE num <> '') INSERT INTO rk_downloads (version_id) SELECT r.id FROM recent r JOIN rk_versions v ON v.id = r.id;
-- ok
DO $$
BEGIN
  IF (SELECT COUNT(*) FROM rk_downloads) > 1000 THEN
    RAISE EXCEPTION 'Indexes need to be created concurrently in production';
  ELSE
    ALTER TABLE rk_downloads ADD COLUMN id SERIAL;
    CREATE UNIQUE INDEX rk_downloads_tmp ON rk_downloads (id);
  END IF;
  RAISE NOTICE 'versions: %, exists: %', (SELECT count(*) FROM rk_versions), EXISTS (SELECT 1 FROM rk_versions v JOIN rk_downloads d ON d.version_id = v.id);
END $$;
-- NOTICE: versions: 0, exists: f
-- ok
ALTER TABLE rk_downloads ADD CONSTRAINT rk_downloads_pkey PRIMARY KEY USING INDEX rk_downloads_tmp;
-- NOTICE: ALTER TABLE / ADD CONSTRAINT USING INDEX will rename index "rk_downloads_tmp" to "rk_downloads_pkey"
-- ok
-- Rows written through a trigger whose function only reads: other tables stay empty.
CREATE TABLE rk_reserved (name text);
-- ok
CREATE FUNCTION rk_canon(text) RETURNS text LANGUAGE sql AS $$ SELECT lower($1) $$;
-- ok
CREATE FUNCTION rk_not_in_use() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF rk_canon(NEW.name) IN (SELECT rk_canon(num) FROM rk_versions) THEN
    RAISE EXCEPTION 'in use: %', NEW.name;
  END IF;
  RETURN NEW;
END $$;
-- ok
CREATE TRIGGER rk_not_in_use BEFORE INSERT OR UPDATE ON rk_reserved FOR EACH ROW EXECUTE FUNCTION rk_not_in_use();
-- ok
INSERT INTO rk_reserved (name) VALUES ('com0'), ('lpt0');
-- ok
DELETE FROM rk_reserved WHERE name = 'com0';
-- ok
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM rk_versions) OR (SELECT count(*) FROM rk_downloads) > 0 THEN
    RAISE EXCEPTION 'not empty';
  END IF;
  RAISE NOTICE 'empty';
END $$;
-- NOTICE: empty
-- ok
