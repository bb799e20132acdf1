-- Deep expressions PostgreSQL accepts (up to its max_stack_depth): a chain of 90 `+`, 80
-- `||` and 40 nested calls. The protobuf decoder's recursion limit once made them a false
-- "syntax error"; past parse::MAX_NESTING schemasim warns instead of parsing.
CREATE TABLE deep_defaults (a int DEFAULT 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1, b int DEFAULT abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(1)))))))))))))))))))))))))))))))))))))))));
-- ok
CREATE VIEW deep_concat AS SELECT 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' || 'x' AS x;
-- ok
INSERT INTO deep_defaults DEFAULT VALUES;
-- ok
SELECT a, b FROM deep_defaults;
-- ok
