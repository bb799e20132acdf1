//! Names PostgreSQL generates: `makeObjectName`, `ChooseRelationName` and `ChooseConstraintName`
//! (src/backend/commands/indexcmds.c, src/backend/catalog/pg_constraint.c).

use schemasim_catalog::{Catalog, QualName, Relation, MAX_IDENTIFIER_BYTES};

/// `name1_name2_label`, truncating the longer of name1/name2 first so the result fits in
/// 63 bytes, never splitting a UTF-8 character.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: Option<&str>) -> String {
    let mut overhead = 0;
    let mut name2_chars = 0;
    if let Some(n2) = name2 {
        name2_chars = n2.len();
        overhead += 1;
    }
    if let Some(l) = label {
        overhead += l.len() + 1;
    }
    let available = MAX_IDENTIFIER_BYTES.saturating_sub(overhead);
    let mut name1_chars = name1.len();
    while name1_chars + name2_chars > available {
        if name1_chars > name2_chars {
            name1_chars -= 1;
        } else {
            name2_chars -= 1;
        }
    }
    let mut out = clip(name1, name1_chars).to_string();
    if let Some(n2) = name2 {
        out.push('_');
        out.push_str(clip(n2, name2_chars));
    }
    if let Some(l) = label {
        out.push('_');
        out.push_str(l);
    }
    out
}

fn clip(s: &str, mut len: usize) -> &str {
    while !s.is_char_boundary(len) {
        len -= 1;
    }
    &s[..len]
}

/// Tries `label`, then `label1`, `label2`... until `taken` says no.
fn choose(name1: &str, name2: Option<&str>, label: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut pass = 0;
    loop {
        let modlabel = if pass == 0 { label.to_string() } else { format!("{label}{pass}") };
        let candidate = make_object_name(name1, name2, Some(&modlabel));
        if !taken(&candidate) {
            return candidate;
        }
        pass += 1;
    }
}

/// Is a constraint named `name` defined anywhere in `schema` (on tables or domains)?
pub fn constraint_name_exists(catalog: &Catalog, schema: &str, name: &str) -> bool {
    let on_tables = catalog.relations.iter().any(|(qn, rel)| {
        qn.schema == schema && matches!(rel, Relation::Table(t) if t.constraints.iter().any(|c| c.name == name))
    });
    let on_domains = catalog.types.iter().any(|(qn, ty)| {
        qn.schema == schema
            && matches!(&ty.kind, schemasim_catalog::TypeKind::Domain(d) if d.checks.iter().any(|(n, _)| n == name))
    });
    on_tables || on_domains
}

/// `ChooseRelationName`: a pg_class name free in `schema` (for indexes and sequences). When the
/// name is for a constraint's index, pg_constraint is checked too. `reserved` holds names
/// already picked by the same statement.
pub fn choose_relation_name(
    catalog: &Catalog,
    schema: &str,
    name1: &str,
    name2: Option<&str>,
    label: &str,
    is_constraint: bool,
    reserved: &[String],
) -> String {
    choose(name1, name2, label, |candidate| {
        reserved.iter().any(|r| r == candidate)
            || catalog.relations.contains_key(&QualName::new(schema, candidate))
            || catalog.types.contains_key(&QualName::new(schema, candidate))
            || (is_constraint && constraint_name_exists(catalog, schema, candidate))
    })
}

/// `ChooseConstraintName` for CHECK and FOREIGN KEY constraints.
pub fn choose_constraint_name(
    catalog: &Catalog,
    schema: &str,
    name1: &str,
    name2: Option<&str>,
    label: &str,
    reserved: &[String],
) -> String {
    choose(name1, name2, label, |candidate| {
        reserved.iter().any(|r| r == candidate) || constraint_name_exists(catalog, schema, candidate)
    })
}

/// The name2 part for a constraint or index over `columns`: names joined by `_`, as
/// `ChooseIndexNameAddition` and `ChooseForeignKeyConstraintNameAddition` build it (stopping
/// once the text is long enough to be truncated anyway).
pub fn column_name_addition(columns: &[String]) -> String {
    let mut out = String::new();
    for c in columns {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(c);
        if out.len() >= MAX_IDENTIFIER_BYTES {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_joined() {
        assert_eq!(make_object_name("orders", Some("qty"), Some("check")), "orders_qty_check");
        assert_eq!(make_object_name("users", None, Some("pkey")), "users_pkey");
    }

    #[test]
    fn long_names_truncate_the_longer_part_first() {
        let table = "t".repeat(60);
        let name = make_object_name(&table, Some("id"), Some("fkey"));
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_id_fkey"));
    }

    #[test]
    fn collisions_get_numbered() {
        let catalog = Catalog::new();
        let first = choose_constraint_name(&catalog, "public", "orders", Some("qty"), "check", &[]);
        let second =
            choose_constraint_name(&catalog, "public", "orders", Some("qty"), "check", std::slice::from_ref(&first));
        assert_eq!(second, "orders_qty_check1");
    }
}
