-- The audit report as catalog queries, for checking schemasim's report against
-- a real database that applied migrations/ (see README.md for the output).
\pset footer off

\echo '== 1. schemas and table counts'
SELECT n.nspname AS schema, count(c.oid) AS tables
FROM pg_namespace n
LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind = 'r'
WHERE n.nspname IN ('core', 'identity', 'lead', 'feedback')
GROUP BY n.nspname ORDER BY n.nspname;

\echo '== 2. enums'
SELECT t.typnamespace::regnamespace::text AS schema, t.typname AS enum,
       string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) AS "values"
FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
GROUP BY 1, 2 ORDER BY 1, 2;

\echo '== 3. foreign keys without an index whose leading columns are the FK columns'
SELECT c.conrelid::regclass::text AS "table", c.conname AS fk,
       (SELECT string_agg(a.attname, ', ') FROM unnest(c.conkey) k
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k) AS columns,
       c.confrelid::regclass AS "references"
FROM pg_constraint c
WHERE c.contype = 'f'
  AND NOT EXISTS (
      SELECT 1 FROM pg_index i
      WHERE i.indrelid = c.conrelid AND i.indpred IS NULL
        AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
        AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
ORDER BY 1, 2;

\echo '== 4. CHECK and UNIQUE constraints'
SELECT conrelid::regclass::text AS "table", conname, contype, pg_get_constraintdef(oid) AS definition
FROM pg_constraint
WHERE contype IN ('c', 'u') AND connamespace::regnamespace::text IN ('core', 'identity', 'lead', 'feedback')
ORDER BY 1, 2;

\echo '== 5. tenant tables (with a tenant_id column): RLS and policies'
SELECT c.oid::regclass::text AS "table", c.relrowsecurity AS rls_enabled,
       (SELECT string_agg(p.polname || ' (' ||
                CASE p.polcmd WHEN '*' THEN 'ALL' WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT'
                              WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' END ||
                CASE WHEN p.polpermissive THEN '' ELSE ', restrictive' END || ')', ', ' ORDER BY p.polname)
        FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
FROM pg_class c
WHERE c.relkind = 'r'
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
ORDER BY 1;

\echo '== 6. soft-delete tables (deleted_at) and their partial indexes WHERE deleted_at IS NULL'
SELECT c.oid::regclass::text AS "table",
       (SELECT string_agg(i.indexrelid::regclass::text, ', ' ORDER BY i.indexrelid::regclass::text)
        FROM pg_index i
        WHERE i.indrelid = c.oid AND pg_get_expr(i.indpred, i.indrelid) LIKE '%deleted_at IS NULL%') AS partial_indexes
FROM pg_class c
WHERE c.relkind = 'r'
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'deleted_at' AND NOT a.attisdropped)
ORDER BY 1;

\echo '== 7. SECURITY DEFINER functions and their search_path'
SELECT p.oid::regprocedure::text AS function, p.prosecdef AS security_definer,
       coalesce(array_to_string(p.proconfig, ', '), '(none)') AS settings
FROM pg_proc p
WHERE p.pronamespace::regnamespace::text IN ('core', 'identity', 'lead', 'feedback')
ORDER BY 1;
