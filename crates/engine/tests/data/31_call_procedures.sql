-- CALL runs a PL/pgSQL procedure: its parameters hold the arguments, and what it EXECUTEs
-- (DDL computed with replace/format, a nested CALL) changes the schema.
CREATE SCHEMA cp;
-- ok
CREATE TABLE cp_post (id int, score int DEFAULT 0);
-- ok
CREATE PROCEDURE cp.create_triggers (table_name text, function_body text)
LANGUAGE plpgsql
AS $a$
DECLARE
    defs text := $$
    CREATE FUNCTION cp.thing_insert_statement () RETURNS TRIGGER LANGUAGE plpgsql AS function_body_insert;
    CREATE TRIGGER insert_statement AFTER INSERT ON thing REFERENCING NEW TABLE AS select_new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION cp.thing_insert_statement ();
    $$;
BEGIN
    defs := replace(defs, 'function_body_insert', quote_literal(function_body));
    defs := replace(defs, 'thing', table_name);
    EXECUTE defs;
END;
$a$;
-- ok
CREATE PROCEDURE cp.for_table (table_name text)
LANGUAGE plpgsql
AS $a$
BEGIN
    EXECUTE replace($b$ CALL cp.create_triggers ('thing', $$ BEGIN RAISE NOTICE 'thing'; RETURN NULL; END; $$); $b$, 'thing', table_name);
END;
$a$;
-- ok
CALL cp.for_table ('cp_post');
-- ok
CREATE TRIGGER insert_statement AFTER INSERT ON cp_post FOR EACH STATEMENT EXECUTE FUNCTION cp.cp_post_insert_statement ();
-- ERROR 42710: trigger "insert_statement" for relation "cp_post" already exists
CALL cp.create_triggers ('cp_missing', 'BEGIN RETURN NULL; END;');
-- ERROR 42P01: relation "cp_missing" does not exist
CREATE PROCEDURE cp.checked (n int)
LANGUAGE plpgsql
AS $$
BEGIN
    IF n > 1 THEN
        RAISE EXCEPTION 'too many: %', n;
    END IF;
    RAISE NOTICE 'n = %', n;
END;
$$;
-- ok
CALL cp.checked (1);
-- NOTICE: n = 1
-- ok
CALL cp.checked (2);
-- ERROR P0001: too many: 2
