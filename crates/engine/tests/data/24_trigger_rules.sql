-- CREATE TRIGGER checks which relations take which triggers, INSTEAD OF rules, transition
-- tables and the OLD/NEW references of WHEN before it looks up the function
-- (CreateTriggerFiringOn).
CREATE TABLE main_table (a int, b int, g int GENERATED ALWAYS AS (a * 2) STORED);
-- ok
CREATE VIEW main_view AS SELECT a, b FROM main_table;
-- ok
CREATE FUNCTION trig() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- ok
CREATE TRIGGER t BEFORE INSERT ON main_view FOR EACH ROW EXECUTE FUNCTION trig();
-- ERROR 42809: "main_view" is a view
CREATE TRIGGER t AFTER TRUNCATE ON main_view EXECUTE FUNCTION trig();
-- ERROR 42809: "main_view" is a view
CREATE TRIGGER t INSTEAD OF INSERT ON main_table FOR EACH ROW EXECUTE FUNCTION trig();
-- ERROR 42809: "main_table" is a table
CREATE TRIGGER t INSTEAD OF UPDATE ON main_view FOR EACH ROW WHEN (OLD.a <> NEW.a) EXECUTE FUNCTION trig();
-- ERROR 0A000: INSTEAD OF triggers cannot have WHEN conditions
CREATE TRIGGER t INSTEAD OF UPDATE OF a ON main_view FOR EACH ROW EXECUTE FUNCTION trig();
-- ERROR 0A000: INSTEAD OF triggers cannot have column lists
CREATE TRIGGER t INSTEAD OF UPDATE ON main_view EXECUTE FUNCTION trig();
-- ERROR 0A000: INSTEAD OF triggers must be FOR EACH ROW
CREATE TRIGGER t BEFORE TRUNCATE ON main_table FOR EACH ROW EXECUTE FUNCTION trig();
-- ERROR 0A000: TRUNCATE FOR EACH ROW triggers are not supported
CREATE TRIGGER t BEFORE UPDATE OF a, a ON main_table FOR EACH ROW EXECUTE FUNCTION trig();
-- ERROR 42701: column "a" specified more than once
CREATE TRIGGER t BEFORE INSERT OR UPDATE ON main_table FOR EACH ROW WHEN (OLD.a <> NEW.a) EXECUTE FUNCTION trig();
-- ERROR 42P17: INSERT trigger's WHEN condition cannot reference OLD values
CREATE TRIGGER t BEFORE DELETE OR UPDATE ON main_table FOR EACH ROW WHEN (OLD.a <> NEW.a) EXECUTE FUNCTION trig();
-- ERROR 42P17: DELETE trigger's WHEN condition cannot reference NEW values
CREATE TRIGGER t BEFORE UPDATE ON main_table WHEN (OLD.a <> NEW.a) EXECUTE FUNCTION trig();
-- ERROR 42P17: statement trigger's WHEN condition cannot reference column values
CREATE TRIGGER t BEFORE UPDATE ON main_table FOR EACH ROW WHEN (NEW.g > 0) EXECUTE FUNCTION trig();
-- ERROR 42P17: BEFORE trigger's WHEN condition cannot reference NEW generated columns
CREATE TRIGGER t BEFORE UPDATE ON main_table FOR EACH ROW WHEN (NEW.tableoid > 0) EXECUTE FUNCTION trig();
-- ERROR 0A000: BEFORE trigger's WHEN condition cannot reference NEW system columns
CREATE TRIGGER t AFTER INSERT OR UPDATE ON main_table REFERENCING NEW TABLE AS nt EXECUTE FUNCTION trig();
-- ERROR 0A000: transition tables cannot be specified for triggers with more than one event
CREATE TRIGGER t AFTER UPDATE OF a ON main_table REFERENCING NEW TABLE AS nt EXECUTE FUNCTION trig();
-- ERROR 0A000: transition tables cannot be specified for triggers with column lists
CREATE TRIGGER t AFTER UPDATE ON main_view REFERENCING NEW TABLE AS nt EXECUTE FUNCTION trig();
-- ERROR 42809: "main_view" is a view
CREATE TABLE child () INHERITS (main_table);
-- ok
CREATE TRIGGER t AFTER UPDATE ON child REFERENCING NEW TABLE AS nt FOR EACH ROW EXECUTE FUNCTION trig();
-- ERROR 0A000: ROW triggers with transition tables are not supported on inheritance children
CREATE TRIGGER t AFTER UPDATE ON main_table REFERENCING NEW TABLE AS nt FOR EACH ROW EXECUTE FUNCTION trig();
-- ok
CREATE TRIGGER z BEFORE UPDATE ON main_table FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
-- ok

-- No aggregate, window or set-returning function in DEFAULT, CHECK, index or policy expressions.
CREATE TABLE agg (a int DEFAULT (avg(1)));
-- ERROR 42803: aggregate functions are not allowed in DEFAULT expressions
CREATE TABLE agg (a int CHECK (a > count(*)));
-- ERROR 42803: aggregate functions are not allowed in check constraints
CREATE TABLE agg (a int, b int DEFAULT generate_series(1, 3));
-- ERROR 0A000: set-returning functions are not allowed in DEFAULT expressions
CREATE INDEX ON main_table ((max(a)));
-- ERROR 42803: aggregate functions are not allowed in index expressions
CREATE POLICY p ON main_table USING (max(a) > 0);
-- ERROR 42803: aggregate functions are not allowed in policy expressions
CREATE POLICY p ON main_table USING (ctid IS NOT NULL AND main_table IS NOT NULL);
-- ok
