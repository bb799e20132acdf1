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
}

impl ParsedStatement {
    pub fn text<'a>(&self, file: &'a str) -> &'a str {
        file.get(self.offset..self.offset + self.len).unwrap_or("")
    }
}

/// Parses a whole file into statements.
pub fn parse_file(sql: &str) -> Vec<ParsedStatement> {
    let cleaned = without_restrict_lines(sql);
    let sql = cleaned.as_deref().unwrap_or(sql);
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
    Some(ParsedStatement { offset, len, node: Ok(node), notices: Vec::new() })
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
                out.push(ParsedStatement { offset, len, node: Err(error), notices: Vec::new() });
            }
        }
    }
    out
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
