//! pg-regress: per-statement outcomes of PostgreSQL's own regression files.
//!
//! The files are psql scripts. [`scan`] splits one the way psql does (quotes, dollar quotes,
//! comments, parentheses, `BEGIN ATOMIC` bodies, backslash meta-commands, `COPY ... FROM stdin`
//! data) and produces the text the engine replays: meta-commands and COPY data blanked, a
//! query-sending meta-command (`\gset`, `\gexec`, ...) replaced by `;`, every line kept at its
//! place so the engine's line numbers are the file's. psql variables set by `\set` and `\getenv`
//! are interpolated into the SQL (`:name`, `:'name'`, `:"name"`) as psql does before sending it;
//! the environment pg_regress gives psql is [`PG_REGRESS_ENV`].
//!
//! The expected outcome of each statement comes from the corpus' `expected/*.out` (psql -a
//! output recorded by pg_regress): the echoed script lines are aligned with the file
//! ([`expected_outcomes`]), and an `ERROR:` printed after line L belongs to the statement that
//! ends on line L. No server is needed for this corpus, so the crashing files ORACLE.md warns
//! about never touch the cluster that replays migrations.

use std::collections::HashMap;

use similar::{Algorithm, DiffOp};

/// The environment variables pg_regress sets for psql (the regression files read them with
/// `\getenv` to name data files and the regress shared library). The directories are stand-ins:
/// the engine does not read files, it only needs the statements to be the ones psql sent.
const PG_REGRESS_ENV: &[(&str, &str)] = &[
    ("PG_ABS_SRCDIR", "/pg_regress/src"),
    ("PG_ABS_BUILDDIR", "/pg_regress/build"),
    ("PG_LIBDIR", "/pg_regress/lib"),
    ("PG_DLSUFFIX", ".so"),
];

/// One unit psql executes: an SQL statement or a backslash meta-command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub is_sql: bool,
    /// Byte offsets of the first token and just past the terminator (`;`, or the meta-command's
    /// backslash for `\gset`-style endings).
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (characters) of the first token.
    pub line: u32,
    pub column: u32,
    /// 1-based line of the terminator: psql prints the statement's output after echoing it.
    pub end_line: u32,
}

pub struct Script {
    pub items: Vec<Item>,
    /// The file with meta-commands and COPY data blanked, line for line.
    pub sql: String,
}

/// Meta-commands that send the query buffer (and so end the statement before them).
const SENDING_META: &[&str] =
    &["g", "gx", "gset", "gexec", "gdesc", "crosstabview", "watch", "bind", "bind_named", "sendpipeline"];

struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }
    /// 0-based line index of a byte offset.
    fn index(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }
    fn line_column(&self, text: &str, offset: usize) -> (u32, u32) {
        let idx = self.index(offset);
        let column = text[self.starts[idx]..offset].chars().count() as u32 + 1;
        (idx as u32 + 1, column)
    }
    fn end_of_line(&self, text: &str, offset: usize) -> usize {
        text[offset..].find('\n').map_or(text.len(), |i| offset + i)
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_char(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || c == b'$'
}

/// Per-statement lexer state, mirroring psqlscan.l.
#[derive(Default)]
struct StatementState {
    start: Option<usize>,
    paren_depth: u32,
    begin_depth: u32,
    identifier_count: usize,
    /// First letters of the leading CREATE / OR / REPLACE / FUNCTION / PROCEDURE words.
    identifiers: [u8; 4],
}

impl StatementState {
    fn token(&mut self, at: usize) {
        self.start.get_or_insert(at);
    }

    fn identifier(&mut self, word: &str) {
        let lower = word.to_ascii_lowercase();
        if matches!(lower.as_str(), "create" | "function" | "procedure" | "or" | "replace")
            && self.identifier_count < self.identifiers.len()
        {
            self.identifiers[self.identifier_count] = lower.as_bytes()[0];
        }
        self.identifier_count += 1;
        let ids = self.identifiers;
        let routine = ids[0] == b'c'
            && (ids[1] == b'f'
                || ids[1] == b'p'
                || (ids[1] == b'o' && ids[2] == b'r' && (ids[3] == b'f' || ids[3] == b'p')));
        if routine && self.paren_depth == 0 {
            match lower.as_str() {
                "begin" => self.begin_depth += 1,
                "case" if self.begin_depth >= 1 => self.begin_depth += 1,
                "end" if self.begin_depth > 0 => self.begin_depth -= 1,
                _ => {}
            }
        }
    }
}

/// Splits a psql script into statements and meta-commands (see the module doc).
pub fn scan(text: &str) -> Script {
    let b = text.as_bytes();
    let lines = Lines::new(text);
    let mut sanitized = b.to_vec();
    let blank = |buf: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut buf[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut items = Vec::new();
    let mut st = StatementState::default();
    let mut variables: HashMap<String, String> = HashMap::new();
    // (start, end, replacement) of each interpolated variable reference, in file order.
    let mut interpolations: Vec<(usize, usize, String)> = Vec::new();
    let push = |items: &mut Vec<Item>, is_sql: bool, start: usize, end: usize, end_at: usize| {
        let (line, column) = lines.line_column(text, start);
        let end_line = lines.index(end_at) as u32 + 1;
        items.push(Item { is_sql, start, end, line, column, end_line });
    };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if text[i..].starts_with("--") {
            i = lines.end_of_line(text, i);
        } else if text[i..].starts_with("/*") {
            let mut depth = 0;
            while i < b.len() {
                if text[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if text[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == b'\'' {
            st.token(i);
            let escapes = i > 0 && matches!(b[i - 1], b'e' | b'E') && (i < 2 || !is_ident_char(b[i - 2]));
            i += 1;
            while i < b.len() {
                if escapes && b[i] == b'\\' {
                    i += 2;
                } else if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                    } else {
                        i += 1;
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == b'"' {
            st.token(i);
            i += 1;
            while i < b.len() {
                if b[i] == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        i += 2;
                    } else {
                        i += 1;
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == b'$' && dollar_tag(&b[i..]).is_some() {
            st.token(i);
            let tag_len = dollar_tag(&b[i..]).unwrap_or(1);
            let tag = &text[i..i + tag_len];
            i += tag_len;
            i = text[i..].find(tag).map_or(b.len(), |j| i + j + tag_len);
        } else if is_ident_start(c) {
            st.token(i);
            let s = i;
            while i < b.len() && is_ident_char(b[i]) {
                i += 1;
            }
            st.identifier(&text[s..i]);
        } else if c == b'(' {
            st.token(i);
            st.paren_depth += 1;
            i += 1;
        } else if c == b')' {
            st.token(i);
            st.paren_depth = st.paren_depth.saturating_sub(1);
            i += 1;
        } else if c == b';' && st.paren_depth == 0 && st.begin_depth == 0 {
            i += 1;
            if let Some(start) = st.start.take() {
                push(&mut items, true, start, i, i - 1);
                if is_copy_from_stdin(&text[start..i]) {
                    // Data lines follow the statement's line, up to a line `\.`.
                    let mut line_start = lines.end_of_line(text, i) + 1;
                    let data_start = line_start.min(b.len());
                    while line_start < b.len() {
                        let line_end = lines.end_of_line(text, line_start);
                        let done = text[line_start..line_end].trim_end() == "\\.";
                        line_start = line_end + 1;
                        if done {
                            break;
                        }
                    }
                    let data_end = line_start.min(b.len());
                    blank(&mut sanitized, data_start, data_end);
                    i = data_end;
                }
            }
            st = StatementState::default();
        } else if c == b':' && b.get(i + 1) != Some(&b':') && (i == 0 || b[i - 1] != b':') {
            st.token(i);
            match variable_reference(text, i, &variables) {
                Some((end, replacement)) => {
                    interpolations.push((i, end, replacement));
                    i = end;
                }
                None => i += 1,
            }
        } else if c == b'\\' {
            let name_end = (i + 1..b.len()).find(|&j| !b[j].is_ascii_alphanumeric() && b[j] != b'_').unwrap_or(b.len());
            let name = &text[i + 1..name_end];
            let line_end = lines.end_of_line(text, i);
            set_variable(name, &text[name_end..line_end], &mut variables);
            match st.start {
                // The statement is sent here and its output follows this line.
                Some(start) if SENDING_META.contains(&name) => {
                    push(&mut items, true, start, i, i);
                    st = StatementState::default();
                    blank(&mut sanitized, i, line_end);
                    sanitized[i] = b';';
                }
                _ => {
                    blank(&mut sanitized, i, line_end);
                    push(&mut items, false, i, line_end, i);
                }
            }
            i = line_end;
        } else {
            st.token(i);
            i += 1;
        }
    }
    if let Some(start) = st.start {
        push(&mut items, true, start, b.len(), b.len().saturating_sub(1));
    }
    for (start, end, replacement) in interpolations.into_iter().rev() {
        sanitized.splice(start..end, replacement.into_bytes());
    }
    let sql = String::from_utf8(sanitized).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Script { items, sql }
}

/// A psql variable reference at `at` (`:name`, `:'name'` as a literal, `:"name"` as an
/// identifier): where it ends and what psql sends instead. Unknown variables are left alone, as
/// psql leaves them.
fn variable_reference(text: &str, at: usize, variables: &HashMap<String, String>) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let quote = b.get(at + 1).copied().filter(|&q| q == b'\'' || q == b'"');
    let name_start = at + 1 + usize::from(quote.is_some());
    if !b.get(name_start).is_some_and(|&c| is_ident_start(c)) {
        return None;
    }
    let name_end = (name_start..b.len()).find(|&j| !is_ident_char(b[j]) || b[j] == b'$').unwrap_or(b.len());
    let value = variables.get(&text[name_start..name_end])?;
    match quote {
        None => Some((name_end, value.clone())),
        Some(q) => {
            if b.get(name_end) != Some(&q) {
                return None;
            }
            let q = char::from(q);
            let doubled = value.replace(q, &format!("{q}{q}"));
            Some((name_end + 1, format!("{q}{doubled}{q}")))
        }
    }
}

/// psql's `\set name value...` (the values concatenated, quotes removed, variables
/// interpolated) and `\getenv name ENVVAR` (from [`PG_REGRESS_ENV`]).
fn set_variable(command: &str, args: &str, variables: &mut HashMap<String, String>) {
    // A `\\` separator ends the meta-command's arguments.
    let args = args.split("\\\\").next().unwrap_or("");
    let mut words = args.split_whitespace();
    let Some(name) = words.next() else { return };
    match command {
        "getenv" => {
            let value = words.next().and_then(|env| PG_REGRESS_ENV.iter().find(|(k, _)| *k == env));
            if let Some((_, value)) = value {
                variables.insert(name.to_string(), (*value).to_string());
            }
        }
        "set" => {
            let rest = args.trim_start()[name.len()..].trim();
            let b = rest.as_bytes();
            let mut value = String::new();
            let mut i = 0;
            while i < b.len() {
                if b[i].is_ascii_whitespace() {
                    i += 1;
                } else if b[i] == b'\'' {
                    let close = (i + 1..b.len()).find(|&j| b[j] == b'\'').unwrap_or(b.len());
                    value.push_str(&rest[i + 1..close]);
                    i = close + 1;
                } else if let Some((end, v)) = (b[i] == b':').then(|| variable_reference(rest, i, variables)).flatten()
                {
                    let v = if b.get(i + 1) == Some(&b'\'') { v[1..v.len() - 1].to_string() } else { v };
                    value.push_str(&v);
                    i = end;
                } else {
                    let end = (i..b.len()).find(|&j| b[j].is_ascii_whitespace()).unwrap_or(b.len());
                    value.push_str(&rest[i..end]);
                    i = end;
                }
            }
            variables.insert(name.to_string(), value);
        }
        _ => {}
    }
}

/// Length of a dollar-quote opening tag (`$$`, `$body$`) at the start of `b`, if it is one.
fn dollar_tag(b: &[u8]) -> Option<usize> {
    if b.first() != Some(&b'$') {
        return None;
    }
    if b.get(1) == Some(&b'$') {
        return Some(2);
    }
    if !b.get(1).is_some_and(|&c| is_ident_start(c)) {
        return None;
    }
    let mut j = 2;
    while j < b.len() && (is_ident_start(b[j]) || b[j].is_ascii_digit()) {
        j += 1;
    }
    (b.get(j) == Some(&b'$')).then_some(j + 1)
}

fn is_copy_from_stdin(statement: &str) -> bool {
    let words: Vec<String> = statement
        .split(|c: char| c.is_whitespace() || c == ';' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.first().is_some_and(|w| w == "copy") && words.windows(2).any(|w| w[0] == "from" && w[1] == "stdin")
}

/// Primary messages of the errors PostgreSQL 17 raises from the rows a statement reads or writes
/// (`*` = any text): constraint checks of new rows (SQLSTATE class 23), the validation scan of
/// ALTER TABLE / ALTER DOMAIN / CREATE UNIQUE INDEX over existing rows, data exceptions of input
/// values (class 22), row-level security checks of new rows, and the executor's concurrent-update
/// checks. Whether such a statement fails depends on the stored rows, which a schema simulator
/// does not have: the harness counts these statements apart from the schema-level ones.
const ROW_DATA_ERRORS: &[&str] = &[
    "new row for relation * violates check constraint *",
    "new row for relation * violates partition constraint",
    "null value in column * of relation * violates not-null constraint",
    "duplicate key value violates unique constraint *",
    "conflicting key value violates exclusion constraint *",
    "insert or update on table * violates foreign key constraint *",
    "update or delete on table * violates foreign key constraint * on table *",
    "removing partition * violates foreign key constraint *",
    "check constraint * of relation * is violated by some row",
    "partition constraint of relation * is violated by some row",
    "updated partition constraint for default partition * would be violated by some row",
    "column * of relation * contains null values",
    "column * of table * contains null values",
    "column * of table * contains values that violate the new constraint",
    "could not create unique index *",
    "could not create exclusion constraint *",
    "value for domain * violates check constraint *",
    "domain * does not allow null values",
    "no partition of relation * found for row",
    "value too long for type *",
    "numeric field overflow",
    "invalid input syntax for type *",
    "invalid input value for enum *",
    "division by zero",
    "* out of range",
    "new row violates row-level security policy *",
    "target row violates row-level security policy *",
    "tuple to be updated was already modified by an operation triggered by the current command",
    "tuple to be deleted was already modified by an operation triggered by the current command",
    "tuple to be updated or deleted was already modified by an operation triggered by the current command",
    "moving row to another partition during a BEFORE FOR EACH ROW trigger is not supported",
];

/// Whether the server's error `message` is one raised from row data ([`ROW_DATA_ERRORS`]).
pub fn is_row_data_error(message: &str) -> bool {
    ROW_DATA_ERRORS.iter().any(|pattern| glob_match(pattern, message))
}

/// `*` matches any text (including none); everything else matches itself.
fn glob_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    for (k, part) in parts.iter().enumerate() {
        if k + 1 == parts.len() {
            return rest.len() >= part.len() && rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// What the real server did with one statement, according to the expected output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Ok,
    Error(String),
}

pub struct ExpectedOutcomes {
    /// One entry per SQL item of the script, in order.
    pub outcomes: Vec<Expected>,
    /// `ERROR:` lines printed by meta-commands (`\d` in an aborted transaction, ...).
    pub meta_errors: usize,
    /// Non-blank script lines that could not be found in the output (COPY data, `\set ECHO none`).
    pub unechoed_lines: usize,
}

/// Aligns the echoed script in `out` (psql -a output) with `text` and reads each statement's
/// outcome from the output printed after the line where it ends.
pub fn expected_outcomes(text: &str, script: &Script, out: &str) -> ExpectedOutcomes {
    let script_lines: Vec<(u32, &str)> =
        text.lines().enumerate().filter(|(_, l)| !l.is_empty()).map(|(i, l)| (i as u32 + 1, l)).collect();
    let old: Vec<&str> = script_lines.iter().map(|(_, l)| *l).collect();
    let new: Vec<&str> = out.lines().collect();
    let ops = similar::capture_diff_slices(Algorithm::Myers, &old, &new);

    // Output lines grouped by the script line echoed just before them.
    let mut errors_after_line: Vec<(u32, String)> = Vec::new();
    let mut last_line = 0u32;
    let mut unechoed_lines = 0;
    let mut output = |last_line: u32, range: std::ops::Range<usize>| {
        for l in &new[range] {
            if let Some(msg) = l.strip_prefix("ERROR:") {
                errors_after_line.push((last_line, msg.trim_start().to_string()));
            }
        }
    };
    for op in ops {
        match op {
            DiffOp::Equal { old_index, len, .. } => last_line = script_lines[old_index + len - 1].0,
            DiffOp::Delete { old_len, .. } => unechoed_lines += old_len,
            DiffOp::Insert { new_index, new_len, .. } => output(last_line, new_index..new_index + new_len),
            DiffOp::Replace { old_len, new_index, new_len, .. } => {
                unechoed_lines += old_len;
                output(last_line, new_index..new_index + new_len);
            }
        }
    }

    let mut outcomes = vec![Expected::Ok; script.items.iter().filter(|i| i.is_sql).count()];
    let sql_index: Vec<Option<usize>> = script
        .items
        .iter()
        .scan(0usize, |n, item| {
            Some(item.is_sql.then(|| {
                *n += 1;
                *n - 1
            }))
        })
        .collect();
    let mut meta_errors = 0;
    for (line, message) in errors_after_line {
        // The last item that ended on or before the line the output follows.
        let owner = script.items.iter().rposition(|item| item.end_line <= line);
        match owner.and_then(|k| sql_index[k]) {
            Some(k) => {
                if outcomes[k] == Expected::Ok {
                    outcomes[k] = Expected::Error(message);
                }
            }
            None => meta_errors += 1,
        }
    }
    ExpectedOutcomes { outcomes, meta_errors, unechoed_lines }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql_texts(text: &str) -> Vec<String> {
        scan(text).items.iter().filter(|i| i.is_sql).map(|i| text[i.start..i.end].to_string()).collect()
    }

    #[test]
    fn splits_like_psql() {
        let text = "-- c\nCREATE TABLE a (x int); SELECT ';' AS \"a;b\";\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n";
        assert_eq!(
            sql_texts(text),
            vec![
                "CREATE TABLE a (x int);",
                "SELECT ';' AS \"a;b\";",
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;"
            ]
        );
    }

    #[test]
    fn begin_atomic_bodies_keep_their_semicolons() {
        let text = "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND;\nBEGIN;\nCOMMIT;";
        let stmts = sql_texts(text);
        assert_eq!(stmts.len(), 3);
        assert!(stmts[0].ends_with("END;"));
        assert_eq!(stmts[1], "BEGIN;");
    }

    #[test]
    fn meta_commands_and_copy_data_are_blanked() {
        let text = "\\set x 1\nSELECT 1 AS a \\gset\nCOPY t FROM stdin;\n1\t2\n\\.\nSELECT E'\\\\d';\n";
        let script = scan(text);
        let kinds: Vec<(bool, u32, u32)> = script.items.iter().map(|i| (i.is_sql, i.line, i.end_line)).collect();
        assert_eq!(kinds, vec![(false, 1, 1), (true, 2, 2), (true, 3, 3), (true, 6, 6)]);
        assert_eq!(script.sql.lines().count(), text.lines().count());
        assert_eq!(script.sql.lines().nth(1).unwrap().trim_end(), "SELECT 1 AS a ;");
        assert!(script.sql.lines().nth(3).unwrap().trim().is_empty());
        assert!(script.sql.lines().nth(4).unwrap().trim().is_empty());
        assert!(script.sql.contains("SELECT E'\\\\d';"));
    }

    #[test]
    fn row_data_errors_are_told_apart() {
        assert!(is_row_data_error("new row for relation \"t\" violates check constraint \"c\""));
        assert!(is_row_data_error("value too long for type character varying(4)"));
        assert!(is_row_data_error("integer out of range"));
        assert!(!is_row_data_error("relation \"t\" does not exist"));
        assert!(!is_row_data_error("check constraint \"c\" of relation \"t\" does not exist"));
        assert!(!is_row_data_error("new row for relation \"t\" violates check constraint"));
    }

    #[test]
    fn psql_variables_are_interpolated() {
        let text = "\\getenv libdir PG_LIBDIR\n\\set lib :libdir '/regress' .so\nCREATE FUNCTION f() RETURNS int AS :'lib', 'f' LANGUAGE c;\nSELECT 1::int, :nope, :\"lib\";\n";
        let sql = scan(text).sql;
        assert!(sql.contains("AS '/pg_regress/lib/regress.so', 'f'"), "{sql}");
        assert!(sql.contains("SELECT 1::int, :nope, \"/pg_regress/lib/regress.so\";"), "{sql}");
    }

    #[test]
    fn errors_belong_to_the_statement_that_ends_before_them() {
        let text = "CREATE TABLE a (x int);\n\nCREATE TABLE a\n  (x int);\n\\d a\nSELECT 1;\n";
        let out = "CREATE TABLE a (x int);\nCREATE TABLE a\n  (x int);\nERROR:  relation \"a\" already exists\n\\d a\nERROR:  boom\nSELECT 1;\n ?column? \n----------\n        1\n(1 row)\n\n";
        let script = scan(text);
        let e = expected_outcomes(text, &script, out);
        assert_eq!(
            e.outcomes,
            vec![Expected::Ok, Expected::Error("relation \"a\" already exists".into()), Expected::Ok]
        );
        assert_eq!(e.meta_errors, 1);
        assert_eq!(e.unechoed_lines, 0);
    }
}
