-- CREATE INDEX runs with search_path = pg_catalog, pg_temp (PostgreSQL 17) and inlines
-- LANGUAGE sql functions of its expressions before checking their mutability: an unqualified
-- user type in such a body does not resolve. A SET clause (not inlined) or a qualified name is fine.
CREATE TABLE ix_versions (crate_id int, num text, yanked boolean DEFAULT false);
-- ok
CREATE TYPE ix_triple AS (major int4, minor int4, teeny int4);
-- ok
CREATE FUNCTION ix_semver(text) RETURNS ix_triple IMMUTABLE AS $$
  SELECT (split_part($1, '.', 1)::int4, split_part($1, '.', 2)::int4, split_part($1, '.', 3)::int4)::ix_triple
  WHERE strpos($1, '-') = 0
$$ LANGUAGE SQL;
-- ok
CREATE INDEX ix_versions_semver ON ix_versions (crate_id, ix_semver(num) DESC NULLS LAST) WHERE NOT yanked;
-- ERROR 42704: type "ix_triple" does not exist
CREATE INDEX ix_versions_semver ON ix_versions (crate_id) WHERE ix_semver(num) IS NOT NULL;
-- ERROR 42704: type "ix_triple" does not exist
CREATE FUNCTION ix_semver_path(text) RETURNS ix_triple IMMUTABLE AS $$
  SELECT (split_part($1, '.', 1)::int4, split_part($1, '.', 2)::int4, split_part($1, '.', 3)::int4)::ix_triple
$$ LANGUAGE SQL SET search_path FROM CURRENT;
-- ok
CREATE INDEX ix_versions_semver ON ix_versions (crate_id, ix_semver_path(num));
-- ok
CREATE FUNCTION ix_semver_qualified(text) RETURNS ix_triple IMMUTABLE AS $$
  SELECT (split_part($1, '.', 1)::int4, split_part($1, '.', 2)::int4, 0)::public.ix_triple
$$ LANGUAGE SQL;
-- ok
CREATE INDEX ix_versions_semver_q ON ix_versions (ix_semver_qualified(num));
-- ok
