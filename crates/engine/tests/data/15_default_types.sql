-- A literal default must convert to the column's type by an assignment cast.
CREATE TYPE listing AS ENUM ('All', 'Local');
-- ok
CREATE TABLE prefs (listing listing DEFAULT 'Local', flag boolean DEFAULT 0, n int DEFAULT 1.5, m numeric DEFAULT 1, t text DEFAULT 7, u uuid);
-- ERROR 42804: column "flag" is of type boolean but default expression is of type integer
CREATE TABLE prefs (listing listing DEFAULT 'Local', flag boolean DEFAULT false, n int DEFAULT 1.5, m numeric DEFAULT 1, t text DEFAULT 7, u uuid);
-- ok
ALTER TABLE prefs ALTER COLUMN listing SET DEFAULT 2;
-- ERROR 42804: column "listing" is of type listing but default expression is of type integer
ALTER TABLE prefs ALTER COLUMN listing SET DEFAULT 'Nope';
-- ERROR 22P02: invalid input value for enum listing: "Nope"
ALTER TABLE prefs ALTER COLUMN listing SET DEFAULT 'All';
-- ok
ALTER TABLE prefs ALTER COLUMN flag SET DEFAULT 1;
-- ERROR 42804: column "flag" is of type boolean but default expression is of type integer
ALTER TABLE prefs ALTER COLUMN u SET DEFAULT 0;
-- ERROR 42804: column "u" is of type uuid but default expression is of type integer
ALTER TABLE prefs ALTER COLUMN n SET DEFAULT true;
-- ERROR 42804: column "n" is of type integer but default expression is of type boolean
CREATE TABLE bad (l listing DEFAULT 'Private');
-- ERROR 22P02: invalid input value for enum listing: "Private"
