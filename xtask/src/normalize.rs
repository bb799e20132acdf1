//! Comparing two `pg_dump --schema-only` outputs the way the corpus README does: comment lines
//! (`--`) and blank lines are ignored, and timestamps of the run day are masked (a view that folds
//! `'now'::timestamp` gets the day it was created as a literal).

use similar::{ChangeTag, TextDiff};

/// The lines that take part in the comparison. `run_days` are `YYYY-MM-DD` dates whose
/// timestamps are replaced by `<run-day timestamp>`.
pub fn normalize(dump: &str, run_days: &[String]) -> Vec<String> {
    dump.lines()
        .map(|l| l.trim_end())
        .filter(|l| !l.is_empty() && !l.trim_start().starts_with("--"))
        .map(|l| mask_run_day_timestamps(l, run_days))
        .collect()
}

/// Replaces `YYYY-MM-DD HH:MM:SS[.ffffff][+TZ]` whose date is one of `run_days`.
fn mask_run_day_timestamps(line: &str, run_days: &[String]) -> String {
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut i = 0;
    while i < line.len() {
        let rest = &line[i..];
        let hit = run_days.iter().find_map(|day| {
            let after = rest.strip_prefix(day.as_str())?;
            time_of_day_len(after).map(|len| day.len() + len)
        });
        match hit {
            Some(len) => {
                out.push_str(&line[copied..i]);
                out.push_str("<run-day timestamp>");
                i += len;
                copied = i;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    out.push_str(&line[copied..]);
    out
}

/// Length of ` HH:MM:SS[.fff][+HH[:MM]]` (or `T...`) at the start of `s`, if it is one.
fn time_of_day_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let digits = |i: usize, n: usize| (i + n <= b.len() && b[i..i + n].iter().all(u8::is_ascii_digit)).then_some(i + n);
    if b.first().is_none_or(|c| *c != b' ' && *c != b'T') {
        return None;
    }
    let mut i = digits(1, 2)?;
    for _ in 0..2 {
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = digits(i + 1, 2)?;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'+') | Some(b'-')) {
        if let Some(j) = digits(i + 1, 2) {
            i = j;
            if b.get(i) == Some(&b':') {
                if let Some(j) = digits(i + 1, 2) {
                    i = j;
                }
            }
        }
    }
    Some(i)
}

/// A unified diff of two normalized dumps and the number of differing lines (`+` and `-`).
pub struct DumpDiff {
    pub changed_lines: usize,
    pub unified: String,
}

pub fn diff(expected: &[String], actual: &[String], expected_name: &str, actual_name: &str) -> DumpDiff {
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    let actual: Vec<&str> = actual.iter().map(String::as_str).collect();
    let diff = TextDiff::configure().algorithm(similar::Algorithm::Patience).diff_slices(&expected, &actual);
    let changed_lines = diff.iter_all_changes().filter(|c| c.tag() != ChangeTag::Equal).count();
    let unified = if changed_lines == 0 {
        String::new()
    } else {
        let mut text = String::new();
        text.push_str(&format!("--- {expected_name}\n+++ {actual_name}\n"));
        for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
            text.push_str(&hunk.header().to_string());
            text.push('\n');
            for change in hunk.iter_changes() {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                text.push(sign);
                text.push_str(change.value());
                text.push('\n');
            }
        }
        text
    };
    DumpDiff { changed_lines, unified }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blank_lines_are_ignored() {
        let dump = "--\n-- Name: t; Type: TABLE\n--\n\nCREATE TABLE public.t (\n    a integer\n);\n\n";
        assert_eq!(normalize(dump, &[]), vec!["CREATE TABLE public.t (", "    a integer", ");"]);
    }

    #[test]
    fn only_run_day_timestamps_are_masked() {
        let days = vec!["2026-11-22".to_string()];
        let line =
            "SELECT '2026-11-22'::date, '2026-11-22 11:28:03.123456'::timestamp, '2000-01-01 00:00:00'::timestamp";
        assert_eq!(
            mask_run_day_timestamps(line, &days),
            "SELECT '2026-11-22'::date, '<run-day timestamp>'::timestamp, '2000-01-01 00:00:00'::timestamp"
        );
        assert_eq!(mask_run_day_timestamps("x '2026-11-22 01:02:03+00' y", &days), "x '<run-day timestamp>' y");
    }

    #[test]
    fn diff_counts_changed_lines() {
        let a: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let b: Vec<String> = ["a", "B", "c", "d"].map(String::from).to_vec();
        let d = diff(&a, &b, "expected", "actual");
        assert_eq!(d.changed_lines, 3);
        assert!(d.unified.contains("-b\n+B\n"));
        assert_eq!(diff(&a, &a, "x", "y").changed_lines, 0);
    }
}
