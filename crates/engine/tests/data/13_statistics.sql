-- Extended statistics objects: named after their table and columns, kept through column
-- renames, dropped with a column they use.
CREATE TABLE actions (id int, liked timestamptz, upvote boolean, read_at timestamptz, amount int);
-- ok
CREATE STATISTICS actions_liked_stat ON (liked IS NULL), (upvote IS NULL) FROM actions;
-- ok
CREATE STATISTICS ON id, amount FROM actions;
-- ok
CREATE STATISTICS ON id, amount FROM actions;
-- ok
CREATE STATISTICS (ndistinct, dependencies) ON read_at, amount FROM actions;
-- ok
CREATE STATISTICS one_column ON id FROM actions;
-- ERROR 42P17: extended statistics require at least 2 columns
CREATE STATISTICS ON nope, id FROM actions;
-- ERROR 42703: column "nope" does not exist
CREATE STATISTICS actions_liked_stat ON id, amount FROM actions;
-- ERROR 42710: statistics object "actions_liked_stat" already exists
CREATE STATISTICS IF NOT EXISTS actions_liked_stat ON id, amount FROM actions;
-- NOTICE: statistics object "actions_liked_stat" already exists, skipping
-- ok
ALTER TABLE actions RENAME COLUMN liked TO voted_at;
-- ok
ALTER TABLE actions RENAME COLUMN upvote TO vote_is_upvote;
-- ok
ALTER STATISTICS actions_id_amount_stat1 RENAME TO second_stat;
-- ok
ALTER TABLE actions DROP COLUMN read_at;
-- ok
DROP STATISTICS second_stat;
-- ok
DROP STATISTICS IF EXISTS second_stat;
-- NOTICE: statistics object "second_stat" does not exist, skipping
-- ok
DROP STATISTICS second_stat;
-- ERROR 42704: statistics object "second_stat" does not exist
