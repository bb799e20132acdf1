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
