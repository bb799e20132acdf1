//! Splitting a migration file into statements with the real PostgreSQL 17 parser.
//!
//! A file that parses as a whole yields its `RawStmt`s. When it does not (a syntax error), the
//! file is split lexically, as psql does, and each piece is parsed on its own: the pieces before
//! the error are real statements a psql run would have executed before failing.

use crate::error::PgError;
use pg_query::protobuf::RawStmt;
use pg_query::NodeEnum;

/// One statement of a file: its parse tree (or syntax error) and where it stands.
#[derive(Debug)]
pub struct ParsedStatement {
    /// Byte offset of the statement's first token in the file.
    pub offset: usize,
    /// Byte length of the statement text (without the terminating `;`).
    pub len: usize,
    pub node: Result<NodeEnum, PgError>,
    /// NOTICEs the scanner raises for this statement (identifier truncation).
    pub notices: Vec<String>,
    /// Set when the statement nests too deep to be parsed here ([`MAX_NESTING`]): its
    /// estimated depth. `node` is then PostgreSQL's error for a statement far deeper.
    pub too_deep: Option<usize>,
}

/// The deepest expression nesting schemasim parses, as estimated by [`nesting`]. PostgreSQL
/// accepts deeper expressions, up to its `max_stack_depth` (a chain of about 5000 `+` on a
/// default server). The parser's tree output and its decoding recurse once per level or two,
/// and so do the engine's walks over expressions, in a browser worker's stack of about 1 MB (or
/// a 2 MB test thread in a debug build): past this estimate a statement is not parsed (running
/// it says so) rather than overflowing the stack.
pub const MAX_NESTING: usize = 100;

impl ParsedStatement {
    pub fn text<'a>(&self, file: &'a str) -> &'a str {
        file.get(self.offset..self.offset + self.len).unwrap_or("")
    }
}

/// Parses a whole file into statements.
pub fn parse_file(sql: &str) -> Vec<ParsedStatement> {
    let cleaned = without_restrict_lines(sql);
    let sql = cleaned.as_deref().unwrap_or(sql);
    if nesting(sql) > MAX_NESTING {
        // Statement by statement, so only the deep ones are left unparsed.
        return parse_piecewise(sql);
    }
    match parse_protobuf(sql) {
        Some(tree) => {
            let mut statements: Vec<ParsedStatement> =
                tree.stmts.into_iter().filter_map(|raw| statement_from_raw(sql, 0, sql.len(), raw)).collect();
            attribute_notices(sql, &mut statements);
            statements
        }
        None => parse_piecewise(sql),
    }
}

/// `pg_dump` (17.6 and later) brackets its output with the psql meta-commands `\restrict KEY`
/// and `\unrestrict KEY`, which change nothing in the database. They become comments of the
/// same length (`--estrict KEY`), so every offset stays where it was; `None` when there is none.
fn without_restrict_lines(sql: &str) -> Option<String> {
    let is_meta = |line: &str| line.starts_with("\\restrict ") || line.starts_with("\\unrestrict ");
    if !sql.split('\n').any(is_meta) {
        return None;
    }
    Some(
        sql.split('\n')
            .map(|line| if is_meta(line) { format!("--{}", &line[2..]) } else { line.to_string() })
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// PostgreSQL's scanner truncates identifiers longer than 63 bytes and says so in a NOTICE for
/// every such token (libpg_query does not pass its NOTICEs on, so the tokens are checked here).
fn attribute_notices(sql: &str, statements: &mut [ParsedStatement]) {
    for s in statements.iter_mut() {
        s.notices = truncation_notices(s.text(sql));
    }
}

fn truncation_notices(text: &str) -> Vec<String> {
    // Cheap pre-check: no run of identifier characters long enough to need truncating.
    let longest_run = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '"' || !c.is_ascii()))
        .map(str::len)
        .max()
        .unwrap_or(0);
    if longest_run <= schemasim_catalog::MAX_IDENTIFIER_BYTES {
        return Vec::new();
    }
    let Ok(scan) = pg_query::scan(text) else { return Vec::new() };
    let mut notices = Vec::new();
    for token in &scan.tokens {
        let Some(raw) = text.get(token.start as usize..token.end as usize) else { continue };
        let is_identifier = token.token == pg_query::protobuf::Token::Ident as i32
            || (token.keyword_kind == pg_query::protobuf::KeywordKind::NoKeyword as i32 && raw.starts_with('"'));
        if !is_identifier {
            continue;
        }
        let name = if raw.starts_with('"') { raw[1..raw.len() - 1].replace("\"\"", "\"") } else { raw.to_lowercase() };
        if name.len() > schemasim_catalog::MAX_IDENTIFIER_BYTES {
            let truncated = schemasim_catalog::truncate_identifier(&name);
            notices.push(format!("identifier \"{name}\" will be truncated to \"{truncated}\""));
        }
    }
    notices
}

/// Parses with libpg_query straight to its protobuf tree (the Rust binding's `parse` also walks
/// the whole tree for table lists we don't need). `None` on a syntax error.
#[allow(unsafe_code)]
fn parse_protobuf(sql: &str) -> Option<pg_query::protobuf::ParseResult> {
    use prost::Message;
    use std::ffi::{c_char, CString};

    #[repr(C)]
    struct PgQueryProtobuf {
        len: usize,
        data: *mut c_char,
    }
    #[repr(C)]
    struct PgQueryProtobufParseResult {
        parse_tree: PgQueryProtobuf,
        stderr_buffer: *mut c_char,
        error: *mut std::ffi::c_void,
    }
    extern "C" {
        fn pg_query_parse_protobuf(input: *const c_char) -> PgQueryProtobufParseResult;
        fn pg_query_free_protobuf_parse_result(result: PgQueryProtobufParseResult);
    }

    let input = CString::new(sql).ok()?;
    // SAFETY: libpg_query returns an owned result that we read and then free exactly once; on
    // success `parse_tree` points to `len` bytes.
    unsafe {
        let result = pg_query_parse_protobuf(input.as_ptr());
        let parsed = if result.error.is_null() {
            let bytes = std::slice::from_raw_parts(result.parse_tree.data as *const u8, result.parse_tree.len);
            pg_query::protobuf::ParseResult::decode(bytes).ok()
        } else {
            None
        };
        pg_query_free_protobuf_parse_result(result);
        parsed
    }
}

/// `piece_end` bounds a statement whose length the parser leaves at 0 (the last one).
fn statement_from_raw(sql: &str, base: usize, piece_end: usize, raw: RawStmt) -> Option<ParsedStatement> {
    let start = base + raw.stmt_location.max(0) as usize;
    let end = if raw.stmt_len == 0 { piece_end } else { start + raw.stmt_len as usize };
    let (offset, len) = trim_statement(sql, start, end);
    let node = raw.stmt?.node?;
    Some(ParsedStatement { offset, len, node: Ok(node), notices: Vec::new(), too_deep: None })
}

/// Splits SQL text at top-level semicolons as psql does: not inside parentheses, strings,
/// comments or dollar quotes (the scanner's tokens), nor inside a `BEGIN ATOMIC ... END` body.
/// (libpg_query's own scanner split drops pieces it cannot classify, such as `SELEC 1`.)
fn split_like_psql(sql: &str) -> Vec<&str> {
    let Ok(scan) = pg_query::scan(sql) else { return vec![sql] };
    let mut pieces = Vec::new();
    let (mut start, mut parens, mut atomic) = (0usize, 0i32, 0i32);
    let mut previous_begin = false;
    for token in &scan.tokens {
        let (a, b) = (token.start as usize, token.end as usize);
        let text = sql.get(a..b).unwrap_or("");
        match text {
            "(" => parens += 1,
            ")" => parens -= 1,
            ";" if parens <= 0 && atomic <= 0 => {
                pieces.push(&sql[start..a]);
                start = b;
            }
            _ => {}
        }
        let upper = text.to_ascii_uppercase();
        if previous_begin && upper == "ATOMIC" {
            atomic += 1;
        } else if upper == "END" && atomic > 0 {
            atomic -= 1;
        }
        previous_begin = upper == "BEGIN";
    }
    if !sql[start..].trim().is_empty() {
        pieces.push(&sql[start..]);
    }
    pieces
}

/// psql-like fallback: split lexically, parse each piece, locate the syntax error.
fn parse_piecewise(sql: &str) -> Vec<ParsedStatement> {
    let pieces = split_like_psql(sql);
    let mut out = Vec::new();
    for piece in pieces {
        let base = piece.as_ptr() as usize - sql.as_ptr() as usize;
        let depth = nesting(piece);
        if depth > MAX_NESTING {
            let (offset, len) = trim_statement(sql, base, base + piece.len());
            let error = PgError {
                hint: Some(
                    "Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate.".into(),
                ),
                ..PgError::new("54001", "stack depth limit exceeded")
            };
            out.push(ParsedStatement { offset, len, node: Err(error), notices: Vec::new(), too_deep: Some(depth) });
            continue;
        }
        match parse_protobuf(piece) {
            Some(tree) => {
                let mut statements: Vec<ParsedStatement> = tree
                    .stmts
                    .into_iter()
                    .filter_map(|raw| statement_from_raw(sql, base, base + piece.len(), raw))
                    .collect();
                attribute_notices(sql, &mut statements);
                out.extend(statements);
            }
            None => {
                let (offset, len) = trim_statement(sql, base, base + piece.len());
                if len == 0 {
                    continue;
                }
                let error = syntax_error(piece).map(|mut e| {
                    if let Some(pos) = e.position {
                        e.position = Some(pos + base);
                    }
                    e
                });
                let error = error.unwrap_or_else(|| PgError::new("42601", "syntax error"));
                out.push(ParsedStatement { offset, len, node: Err(error), notices: Vec::new(), too_deep: None });
            }
        }
    }
    out
}

/// The characters PostgreSQL's operators are made of (`:` for the `::` cast).
const OPERATOR_CHARS: &[u8] = b"+-*/<>=~!@#%^&|`?:";

/// An upper estimate of how deep the parse tree of `sql`'s deepest statement nests, from its
/// tokens (no parsing, which is what recurses): each call's parenthesis or `CASE` counts 2
/// (their arguments sit two nodes below), other parentheses and brackets 1, each operator or
/// `NOT` 1 until the next comma, semicolon, `AND`, `OR`, CASE branch or closing parenthesis at
/// its level (a chain `a + b + c` nests one level per operator; `AND`/`OR` chains and CASE
/// branches are flat).
pub fn nesting(sql: &str) -> usize {
    // Cheap bound first: without that many parentheses, operator characters, `CASE`s and
    // `NOT`s in the whole text, no statement can nest that deep.
    let symbols = sql.bytes().filter(|b| b"()[]".contains(b) || OPERATOR_CHARS.contains(b)).count();
    let words =
        sql.as_bytes().windows(3).filter(|w| w.eq_ignore_ascii_case(b"cas") || w.eq_ignore_ascii_case(b"not")).count();
    let candidates = symbols + words;
    if candidates <= MAX_NESTING / 2 {
        return candidates * 2;
    }
    let Ok(scan) = pg_query::scan(sql) else { return 0 };
    // `levels[i]`: how much level i's opening added, and the operators since its last separator.
    let mut levels: Vec<(usize, usize)> = vec![(0, 0)];
    let (mut depth, mut deepest) = (0usize, 0usize);
    // Whether the previous token names a function or type: its parenthesis holds arguments.
    let mut after_name = false;
    for token in &scan.tokens {
        let text = sql.get(token.start as usize..token.end as usize).unwrap_or("");
        let keyword = token.keyword_kind != pg_query::protobuf::KeywordKind::NoKeyword as i32;
        let is_keyword = |k: &str| keyword && text.eq_ignore_ascii_case(k);
        match text {
            _ if text == "(" || text == "[" || is_keyword("case") => {
                // A call's arguments or a CASE's branches sit two nodes below; plain grouping
                // parentheses add no node but hold a chain of their own.
                let weight = if after_name || is_keyword("case") { 2 } else { 1 };
                levels.push((weight, 0));
                depth += weight;
            }
            _ if (text == ")" || text == "]" || is_keyword("end")) && levels.len() > 1 => {
                let (weight, operators) = levels.pop().unwrap_or_default();
                depth -= weight + operators;
            }
            _ if matches!(text, "," | ";")
                || (keyword && ["and", "or", "when", "then", "else"].iter().any(|k| text.eq_ignore_ascii_case(k))) =>
            {
                if let Some((_, operators)) = levels.last_mut() {
                    depth -= *operators;
                    *operators = 0;
                }
            }
            _ if is_keyword("not")
                || (!keyword && !text.is_empty() && text.bytes().all(|b| OPERATOR_CHARS.contains(&b))) =>
            {
                if let Some((_, operators)) = levels.last_mut() {
                    *operators += 1;
                    depth += 1;
                }
            }
            _ => {}
        }
        after_name = token.token == pg_query::protobuf::Token::Ident as i32
            || (keyword && token.keyword_kind != pg_query::protobuf::KeywordKind::ReservedKeyword as i32);
        deepest = deepest.max(depth);
    }
    deepest
}

/// Narrows `[start, end)` to the statement itself: leading whitespace and comments skipped,
/// trailing whitespace and `;` dropped.
fn trim_statement(sql: &str, start: usize, end: usize) -> (usize, usize) {
    let end = end.min(sql.len());
    let bytes = sql.as_bytes();
    let mut i = start.min(end);
    loop {
        while i < end && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if sql[i..end].starts_with("--") {
            while i < end && bytes[i] != b'\n' {
                i += 1;
            }
        } else if sql[i..end].starts_with("/*") {
            let mut depth = 0usize;
            while i < end {
                if sql[i..end].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if sql[i..end].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else {
            break;
        }
    }
    let mut j = end;
    while j > i && (bytes[j - 1].is_ascii_whitespace() || bytes[j - 1] == b';') {
        j -= 1;
    }
    (i, j - i)
}

/// Re-runs the C parser on a piece known to fail, to read PostgreSQL's cursor position (the
/// Rust binding drops it). Returns the error with a byte offset into `piece`.
#[allow(unsafe_code)]
fn syntax_error(piece: &str) -> Option<PgError> {
    use std::ffi::{c_char, c_int, CStr, CString};

    #[repr(C)]
    struct PgQueryError {
        message: *mut c_char,
        funcname: *mut c_char,
        filename: *mut c_char,
        lineno: c_int,
        cursorpos: c_int,
        context: *mut c_char,
    }
    #[repr(C)]
    struct PgQueryParseResult {
        parse_tree: *mut c_char,
        stderr_buffer: *mut c_char,
        error: *mut PgQueryError,
    }
    extern "C" {
        fn pg_query_parse(input: *const c_char) -> PgQueryParseResult;
        fn pg_query_free_parse_result(result: PgQueryParseResult);
    }

    let input = CString::new(piece).ok()?;
    // SAFETY: libpg_query returns an owned result that we read and then free exactly once; the
    // error pointer, when non-null, points to a valid PgQueryError with NUL-terminated strings.
    unsafe {
        let result = pg_query_parse(input.as_ptr());
        let error = if result.error.is_null() {
            None
        } else {
            let e = &*result.error;
            let message = CStr::from_ptr(e.message).to_string_lossy().into_owned();
            let position = (e.cursorpos > 0).then(|| char_to_byte_offset(piece, e.cursorpos as usize - 1));
            Some(PgError { position, ..PgError::new("42601", message) })
        };
        pg_query_free_parse_result(result);
        error
    }
}

fn char_to_byte_offset(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i)
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() as u32 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> String {
        format!("CREATE TABLE t (a int DEFAULT {});", vec!["1"; n].join(" + "))
    }

    #[test]
    fn nesting_counts_operator_chains_parentheses_and_case_but_not_flat_lists() {
        assert_eq!(nesting(&chain(100)), 99 + 2, "99 operators inside the column list's parentheses");
        // The same chain as pg_dump writes it, one pair of parentheses per operator.
        let dumped = format!("CREATE TABLE t (a int DEFAULT {}1{});", "(".repeat(98), " + 1)".repeat(98));
        assert!(nesting(&dumped) <= nesting(&chain(100)) + 1, "{}", nesting(&dumped));
        assert!(nesting(&chain(99)) <= MAX_NESTING && nesting(&chain(100)) > MAX_NESTING);
        let calls = format!("SELECT {}1{};", "abs(".repeat(150), ")".repeat(150));
        assert_eq!(nesting(&calls), 300);
        let cases = format!("SELECT {}1{};", "CASE WHEN a THEN ".repeat(150), " END".repeat(150));
        assert_eq!(nesting(&cases), 300);
        // Long but flat: VALUES rows, AND chains, argument lists.
        let rows = vec!["(1 + 1, 'a' || 'b')"; 1000].join(", ");
        assert!(nesting(&format!("INSERT INTO t VALUES {rows};")) <= 4);
        let conditions = vec!["a = 1"; 1000].join(" AND ");
        assert!(nesting(&format!("SELECT 1 WHERE {conditions};")) <= 2);
    }

    #[test]
    fn a_statement_too_deep_to_parse_is_marked_and_the_others_parse() {
        // A chain PostgreSQL accepts, and that once decoded as a "syntax error" (the protobuf
        // decoder's recursion limit of 100).
        let fine = parse_file(&chain(90));
        assert!(fine[0].node.is_ok() && fine[0].too_deep.is_none());
        let sql = format!("CREATE TABLE a (id int);\n{}\nCREATE TABLE b (id int);", chain(50_000));
        let parsed = parse_file(&sql);
        assert_eq!(parsed.len(), 3);
        assert!(parsed[0].node.is_ok() && parsed[2].node.is_ok());
        assert!(parsed[1].too_deep.is_some_and(|d| d > MAX_NESTING));
        assert!(parsed[1].text(&sql).starts_with("CREATE TABLE t"));
    }

    #[test]
    fn running_a_too_deep_statement_warns_and_the_migration_goes_on() {
        let sql = format!("{}\nCREATE TABLE after_it (id int);", chain(50_000));
        let mut session = crate::Session::default();
        let migration = crate::Migration { name: "m".into(), path: "m.sql".into(), sql, transaction: true };
        let report = crate::run_migration(&mut session, &migration);
        assert_eq!(report.outcome, crate::MigrationOutcome::Ok);
        assert!(report.statements[0].warnings[0].message.contains("nests expressions"), "{:?}", report.statements[0]);
        let table = |name: &str| session.catalog.table(&schemasim_catalog::QualName::new("public", name)).is_some();
        assert!(table("after_it") && !table("t"));
    }

    #[test]
    fn app_queries_and_dumps_skip_a_too_deep_statement_as_the_replay_does() {
        let sql = format!("{}\nCREATE TABLE after_it (id int);", chain(50_000));
        let checked = crate::check_queries(&schemasim_catalog::Catalog::new(), &crate::ReplayOptions::default(), &sql);
        assert_eq!(checked[0].outcome, crate::Outcome::Ok);
        assert!(checked[0].warnings[0].message.contains("nests expressions"));
        let (catalog, errors) = crate::drift::load_dump(&sql, &schemasim_catalog::Catalog::new());
        assert!(errors.is_empty(), "{errors:?}");
        assert!(catalog.table(&schemasim_catalog::QualName::new("public", "after_it")).is_some());
    }

    #[test]
    fn pg_dump_restrict_lines_are_no_statements() {
        let sql = "\\restrict abc\nCREATE TABLE a (id int);\n\\unrestrict abc\n";
        let parsed = parse_file(sql);
        assert_eq!(parsed.len(), 1);
        assert!(parsed[0].node.is_ok());
        assert_eq!(parsed[0].text(sql), "CREATE TABLE a (id int)");
    }

    #[test]
    fn statements_are_located_after_comments() {
        let sql = "-- header\nCREATE TABLE a (id int);\n/* c */ DROP TABLE a;";
        let stmts = parse_file(sql);
        assert_eq!(stmts.len(), 2);
        assert_eq!(stmts[0].text(sql), "CREATE TABLE a (id int)");
        assert_eq!(line_column(sql, stmts[1].offset), (3, 9));
    }

    #[test]
    fn unparseable_piece_is_kept_as_an_error() {
        let sql = "SELECT 1; SELEC 2; SELECT 3; CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; END; SELECT 4";
        let stmts = parse_file(sql);
        assert_eq!(stmts.len(), 5);
        assert_eq!(stmts[1].text(sql), "SELEC 2");
        assert!(stmts[1].node.is_err());
        assert!(stmts[3].node.is_ok());
    }

    #[test]
    fn syntax_error_keeps_earlier_statements_and_position() {
        let sql = "CREATE TABLE a (id int);\nCREATE TABLE b (id int,);\nSELECT 1;";
        let stmts = parse_file(sql);
        assert_eq!(stmts.len(), 3);
        assert!(stmts[0].node.is_ok());
        let err = stmts[1].node.as_ref().unwrap_err();
        assert_eq!(err.message, "syntax error at or near \")\"");
        assert_eq!(line_column(sql, err.position.unwrap()), (2, 24));
        assert!(stmts[2].node.is_ok());
    }
}
