//! A small SQL tokenizer for the editor's highlighting: keywords, identifiers, strings
//! (including dollar-quoted bodies), numbers, comments, punctuation. It only colours text;
//! the parser that decides what a statement means is libpg_query.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Keyword,
    Identifier,
    QuotedIdentifier,
    String,
    Number,
    Comment,
    Punctuation,
    Whitespace,
}

impl TokenKind {
    pub fn class(self) -> &'static str {
        match self {
            TokenKind::Keyword => "tk-kw",
            TokenKind::Identifier => "tk-id",
            TokenKind::QuotedIdentifier => "tk-qid",
            TokenKind::String => "tk-str",
            TokenKind::Number => "tk-num",
            TokenKind::Comment => "tk-com",
            TokenKind::Punctuation => "tk-punct",
            TokenKind::Whitespace => "tk-ws",
        }
    }
}

/// Words shown as keywords (the common DDL/DML vocabulary, not PostgreSQL's full list).
const KEYWORDS: &[&str] = &[
    "add",
    "all",
    "alter",
    "and",
    "as",
    "asc",
    "before",
    "begin",
    "by",
    "cascade",
    "case",
    "check",
    "column",
    "comment",
    "commit",
    "concurrently",
    "constraint",
    "create",
    "declare",
    "default",
    "deferrable",
    "delete",
    "desc",
    "distinct",
    "do",
    "domain",
    "drop",
    "else",
    "enable",
    "end",
    "enum",
    "exception",
    "execute",
    "exists",
    "extension",
    "for",
    "force",
    "foreign",
    "from",
    "function",
    "grant",
    "group",
    "having",
    "if",
    "in",
    "index",
    "insert",
    "into",
    "is",
    "join",
    "key",
    "language",
    "left",
    "level",
    "like",
    "limit",
    "not",
    "null",
    "on",
    "or",
    "order",
    "owner",
    "policy",
    "primary",
    "procedure",
    "references",
    "rename",
    "replace",
    "restrict",
    "return",
    "returns",
    "revoke",
    "role",
    "rollback",
    "row",
    "schema",
    "security",
    "select",
    "sequence",
    "set",
    "table",
    "then",
    "to",
    "transaction",
    "trigger",
    "type",
    "union",
    "unique",
    "update",
    "using",
    "values",
    "view",
    "when",
    "where",
    "with",
];

pub fn is_keyword(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    KEYWORDS.binary_search(&lower.as_str()).is_ok()
}

/// Splits `sql` into tokens covering it exactly (concatenating the slices gives `sql` back).
pub fn tokenize(sql: &str) -> Vec<(TokenKind, &str)> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        let kind = if c.is_ascii_whitespace() {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            TokenKind::Whitespace
        } else if sql[i..].starts_with("--") {
            i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n);
            TokenKind::Comment
        } else if sql[i..].starts_with("/*") {
            i = sql[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2);
            TokenKind::Comment
        } else if c == b'\'' {
            i = quoted_end(bytes, i, b'\'');
            TokenKind::String
        } else if c == b'"' {
            i = quoted_end(bytes, i, b'"');
            TokenKind::QuotedIdentifier
        } else if let Some(tag) = dollar_tag(&sql[i..]) {
            i = sql[i + tag.len()..].find(tag).map_or(bytes.len(), |n| i + tag.len() + n + tag.len());
            TokenKind::String
        } else if c.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                i += 1;
            }
            TokenKind::Number
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80) {
                i += 1;
            }
            if is_keyword(&sql[start..i]) {
                TokenKind::Keyword
            } else {
                TokenKind::Identifier
            }
        } else {
            i += sql[i..].chars().next().map_or(1, char::len_utf8);
            TokenKind::Punctuation
        };
        // Never split inside a UTF-8 sequence.
        while i < bytes.len() && !sql.is_char_boundary(i) {
            i += 1;
        }
        out.push((kind, &sql[start..i]));
    }
    out
}

/// The end of a quoted token starting at `start` (doubled quotes stay inside).
fn quoted_end(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// `$$` or `$tag$` at the start of `text`.
fn dollar_tag(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('$')?;
    let end = rest.find('$')?;
    let tag = &rest[..end];
    let valid = tag.chars().enumerate().all(|(k, c)| c == '_' || c.is_alphabetic() || (k > 0 && c.is_ascii_digit()));
    valid.then(|| &text[..end + 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted_for_binary_search() {
        assert!(KEYWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn tokens_cover_the_text_and_classify_it() {
        let sql = "CREATE TABLE \"Users\" (id int DEFAULT 1, n text DEFAULT 'it''s') -- é\n$f$ body $f$ /* c */;";
        let tokens = tokenize(sql);
        assert_eq!(tokens.iter().map(|t| t.1).collect::<String>(), sql);
        let kinds: Vec<_> = tokens.iter().filter(|t| t.0 != TokenKind::Whitespace).map(|t| (t.0, t.1)).collect();
        assert_eq!(kinds[0], (TokenKind::Keyword, "CREATE"));
        assert_eq!(kinds[2], (TokenKind::QuotedIdentifier, "\"Users\""));
        assert_eq!(kinds[4], (TokenKind::Identifier, "id"));
        assert!(kinds.contains(&(TokenKind::String, "'it''s'")));
        assert!(kinds.contains(&(TokenKind::Comment, "-- é")));
        assert!(kinds.contains(&(TokenKind::String, "$f$ body $f$")));
        assert!(kinds.contains(&(TokenKind::Number, "1")));
    }

    #[test]
    fn unterminated_tokens_run_to_the_end() {
        for sql in ["'open", "\"open", "/* open", "$$ open", "é'"] {
            assert_eq!(tokenize(sql).iter().map(|t| t.1).collect::<String>(), sql);
        }
    }
}
