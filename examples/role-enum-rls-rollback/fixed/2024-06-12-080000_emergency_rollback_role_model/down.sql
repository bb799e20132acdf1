-- There is no way back from an emergency rollback: re-apply 004-007 as new migrations.
DO $$
BEGIN
    RAISE EXCEPTION 'migration 008 (emergency rollback) is irreversible';
END
$$;
