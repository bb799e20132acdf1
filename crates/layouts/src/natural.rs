//! Numeric-aware ("natural") string ordering and version comparison helpers.

use std::cmp::Ordering;

/// Splits `s` into maximal runs of ASCII digits and of non-digits.
fn chunks(s: &str) -> impl Iterator<Item = &str> {
    let bytes = s.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let digit = bytes[start].is_ascii_digit();
        let mut end = start + 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() == digit {
            end += 1;
        }
        // Digits are ASCII, so `start..end` always falls on char boundaries.
        let chunk = &s[start..end];
        start = end;
        Some(chunk)
    })
}

/// Compares two runs of ASCII digits by numeric value, without parsing (versions
/// such as `20150100000001000000` do not fit in a `u64`).
pub(crate) fn cmp_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Natural ordering: runs of digits compare by numeric value (`2` < `10`), other
/// runs compare as strings. Strings equal up to zero padding (`1` and `001`) then
/// compare as plain strings so the order stays total and deterministic.
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut ca = chunks(a);
    let mut cb = chunks(b);
    loop {
        match (ca.next(), cb.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let xd = x.as_bytes()[0].is_ascii_digit();
                let yd = y.as_bytes()[0].is_ascii_digit();
                let ord = if xd && yd { cmp_digits(x, y) } else { x.cmp(y) };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

/// Like [`natural_cmp`] but strings equal up to zero padding compare equal.
pub(crate) fn natural_eq_cmp(a: &str, b: &str) -> Ordering {
    let mut ca = chunks(a);
    let mut cb = chunks(b);
    loop {
        match (ca.next(), cb.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let xd = x.as_bytes()[0].is_ascii_digit();
                let yd = y.as_bytes()[0].is_ascii_digit();
                let ord = if xd && yd { cmp_digits(x, y) } else { x.cmp(y) };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

/// The leading run of ASCII digits of `s` (possibly empty).
pub(crate) fn leading_digits(s: &str) -> &str {
    let end = s.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(s.len());
    &s[..end]
}

/// True when `a` and `b` are both versions made of digit groups separated by
/// `.`, `_` or `-` and the groups are numerically equal (`004` = `4`,
/// `1.02` = `1_2`).
pub(crate) fn version_numeric_eq(a: &str, b: &str) -> bool {
    fn groups(s: &str) -> Option<Vec<&str>> {
        if s.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        for g in s.split(['.', '_', '-']) {
            if g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            out.push(g);
        }
        Some(out)
    }
    match (groups(a), groups(b)) {
        (Some(x), Some(y)) => x.len() == y.len() && x.iter().zip(&y).all(|(p, q)| cmp_digits(p, q) == Ordering::Equal),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut v = vec!["10_b", "2_a", "1_c", "001_a", "1.10", "1.2", "abc", "ab"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["1.2", "1.10", "001_a", "1_c", "2_a", "10_b", "ab", "abc"]);
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        assert_eq!(natural_cmp("20150100000001000000", "99999999999999999999999"), Ordering::Less);
        assert_eq!(natural_eq_cmp("0004", "4"), Ordering::Equal);
    }

    #[test]
    fn numeric_version_equality() {
        assert!(version_numeric_eq("004", "4"));
        assert!(version_numeric_eq("1.2", "1_02"));
        assert!(!version_numeric_eq("1.2", "12"));
        assert!(!version_numeric_eq("", ""));
        assert!(!version_numeric_eq("v1", "1"));
    }

    #[test]
    fn non_ascii_is_fine() {
        assert_eq!(natural_cmp("é1", "é2"), Ordering::Less);
        assert_eq!(leading_digits("12ü"), "12");
    }
}
