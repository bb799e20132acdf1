//! Dependencies between migrations and other orders (`schemasim_engine::order`), on small
//! histories, on `examples/skipped-baseline` and on the shared corpus (when present).

use schemasim_engine::order::{
    check_pairs, dependency_graph, try_order, DependencyGraph, Edge, EdgeKind, PairOutcome, Provenance,
};
use schemasim_engine::{new_session, replay, Catalog, ChangeKind, Migration, OnError, ReplayOptions};
use serde::Deserialize;
use std::path::{Path, PathBuf};

fn history(files: &[(&str, &str)]) -> Vec<Migration> {
    files
        .iter()
        .map(|(name, sql)| Migration {
            name: name.to_string(),
            path: format!("{name}.sql"),
            sql: sql.to_string(),
            transaction: true,
        })
        .collect()
}

fn graph_of(migrations: &[Migration]) -> DependencyGraph {
    let options = ReplayOptions::default();
    let r = replay(migrations, &options);
    dependency_graph(&Catalog::new(), migrations, &r, &options)
}

fn edge<'g>(g: &'g DependencyGraph, from: usize, to: usize, object: &str) -> &'g Edge {
    g.edges
        .iter()
        .find(|e| e.from == from && e.to == to && e.object == object)
        .unwrap_or_else(|| panic!("no edge {from} -> {to} on {object}: {:#?}", g.edges))
}

#[test]
fn renames_keep_the_identity_of_tables_and_columns() {
    let m = history(&[
        ("m1", "CREATE TABLE iso_agents (id int PRIMARY KEY, email text);"),
        ("m2", "CREATE VIEW agent_emails AS SELECT email FROM iso_agents;"),
        ("m3", "ALTER TABLE iso_agents RENAME TO users;"),
        ("m4", "ALTER TABLE users ADD COLUMN x int;"),
        ("m5", "ALTER TABLE users RENAME COLUMN x TO y;"),
        ("m6", "CREATE INDEX users_y ON users (y);"),
        ("m7", "CREATE TABLE unrelated (a int);"),
    ]);
    let g = graph_of(&m);
    let renamed = edge(&g, 0, 2, "table public.users");
    assert_eq!(renamed.kind, EdgeKind::Changes);
    assert_eq!(renamed.reason, "m3 renames table public.iso_agents (now table public.users), created by m1");
    // The view named the table under its old name: the rename must come after it.
    let reader = edge(&g, 1, 2, "table public.users");
    assert_eq!(reader.provenance, Provenance::Used);
    // Adding a column after the rename still depends on the creator of the table.
    assert_eq!(edge(&g, 0, 3, "table public.users").reason, "m4 adds a column to table public.users, created by m1");
    // The index is on a column created by m4 and renamed by m5.
    assert_eq!(edge(&g, 3, 5, "column y of table public.users").provenance, Provenance::Created);
    assert_eq!(edge(&g, 4, 5, "column y of table public.users").provenance, Provenance::Changed);
    assert!(g.edges.iter().all(|e| e.from < e.to));
    assert_eq!(g.free(), vec![6]);
    assert!(!g.migrations[5].free);
}

#[test]
fn types_functions_and_policies() {
    let m = history(&[
        ("m1", "CREATE TYPE mood AS ENUM ('ok');"),
        ("m2", "CREATE TABLE t (id int, m mood);"),
        ("m3", "CREATE FUNCTION me() RETURNS int LANGUAGE sql STABLE AS $$ SELECT 1 $$;"),
        ("m4", "ALTER TABLE t ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON t USING (id = me());"),
        ("m5", "ALTER TYPE mood ADD VALUE 'bad';"),
        ("m6", "DROP POLICY p ON t; DROP FUNCTION me();"),
    ]);
    let g = graph_of(&m);
    assert_eq!(edge(&g, 0, 1, "type public.mood").kind, EdgeKind::Uses);
    assert_eq!(edge(&g, 2, 3, "function public.me()").reason, "m4 calls function public.me(), created by m3");
    assert_eq!(edge(&g, 1, 3, "column id of table public.t").kind, EdgeKind::Uses);
    assert_eq!(edge(&g, 0, 4, "type public.mood").kind, EdgeKind::Changes);
    assert_eq!(edge(&g, 3, 5, "policy p on table public.t").kind, EdgeKind::Drops);
    assert_eq!(edge(&g, 2, 5, "function public.me()").kind, EdgeKind::Drops);
    // m2 and m3 are independent.
    assert!(!g.linked(1, 2));
}

#[test]
fn schemas_roles_and_triggers() {
    let m = history(&[
        ("m1", "CREATE SCHEMA core; CREATE ROLE app;"),
        ("m2", "CREATE TABLE core.t (id int, updated timestamptz); GRANT SELECT ON core.t TO app;"),
        ("m3", "CREATE FUNCTION core.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"),
        ("m4", "CREATE TRIGGER t_touch BEFORE UPDATE ON core.t FOR EACH ROW EXECUTE FUNCTION core.touch();"),
    ]);
    let g = graph_of(&m);
    assert_eq!(edge(&g, 0, 1, "schema core").kind, EdgeKind::Uses);
    assert_eq!(edge(&g, 0, 1, "role app").kind, EdgeKind::Uses);
    assert_eq!(edge(&g, 1, 3, "table core.t").reason, "m4 creates a trigger on table core.t, created by m2");
    assert_eq!(
        edge(&g, 2, 3, "function core.touch()").reason,
        "m4 creates a trigger executing function core.touch(), created by m3"
    );
}

#[test]
fn unqualified_names_follow_set_search_path() {
    let m = history(&[
        ("m1", "CREATE SCHEMA a; CREATE SCHEMA b; CREATE TABLE a.t (x int); CREATE TABLE b.t (x int);"),
        ("m2", "SET search_path TO b; ALTER TABLE t ADD COLUMN y int;"),
        ("m3", "CREATE INDEX ON t (y);"),
    ]);
    let g = graph_of(&m);
    assert!(g.edges.iter().any(|e| (e.from, e.to, e.object.as_str()) == (0, 1, "table b.t")), "{:#?}", g.edges);
    assert!(!g.edges.iter().any(|e| e.object == "table a.t"), "{:#?}", g.edges);
    // m2's SET carries over to m3 on the same connection.
    assert_eq!(edge(&g, 1, 2, "column y of table b.t").kind, EdgeKind::Uses);
}

#[test]
fn a_failing_migration_still_depends_on_what_it_tried_to_change() {
    let m = history(&[
        ("m1", "CREATE TABLE t (id int); CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;"),
        ("m2", "CREATE VIEW v AS SELECT f() AS x;"),
        ("m3", "ALTER TABLE t RENAME COLUMN id TO id2; DROP FUNCTION f();"),
        ("m4", "CREATE INDEX ON t (id);"),
    ]);
    let options = ReplayOptions { on_error: OnError::Continue, search_path: None };
    let r = replay(&m, &options);
    let g = dependency_graph(&Catalog::new(), &m, &r, &options);
    assert_eq!(g.migrations[2].outcome, schemasim_engine::MigrationOutcome::Error);
    assert_eq!(edge(&g, 0, 2, "column id2 of table public.t").kind, EdgeKind::Changes);
    assert_eq!(edge(&g, 0, 2, "function public.f()").reason, "m3 drops function public.f(), created by m1");
    // m3 was rolled back: m4 indexes the column m1 created, under its old name, and needs
    // nothing from m3.
    assert_eq!(edge(&g, 0, 3, "column id of table public.t").kind, EdgeKind::Uses);
    assert!(!g.edges.iter().any(|e| e.from == 2 && e.to == 3), "{:#?}", g.edges);
}

#[test]
fn a_dropped_object_created_again_depends_on_the_drop() {
    let m = history(&[("m1", "CREATE TABLE t (a int);"), ("m2", "DROP TABLE t;"), ("m3", "CREATE TABLE t (b text);")]);
    let g = graph_of(&m);
    assert_eq!(edge(&g, 0, 1, "table public.t").kind, EdgeKind::Drops);
    let again = edge(&g, 1, 2, "table public.t");
    assert_eq!((again.kind, again.provenance), (EdgeKind::Recreates, Provenance::Dropped));
}

#[test]
fn swapped_pairs() {
    let m = history(&[
        ("m1", "CREATE TABLE t (a int);"),
        ("m2", "ALTER TABLE t ADD COLUMN b int;"),
        ("m3", "ALTER TABLE t ADD COLUMN c int;"),
        ("m4", "CREATE TABLE u (a int);"),
        ("m5", "CREATE TABLE v (a int);"),
        ("m6", "DROP TABLE u;"),
    ]);
    let base = new_session(&ReplayOptions::default());
    let checks = check_pairs(&base, &m, &[(1, 2), (3, 4), (4, 5), (0, 1)]);
    assert_eq!(checks.len(), 4);
    match &checks[0].outcome {
        PairOutcome::Differ { changes, order_only } => {
            assert!(order_only);
            assert_eq!(changes[0].object, "column order of table public.t");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(checks[1].outcome, PairOutcome::Same);
    assert_eq!(checks[2].outcome, PairOutcome::Same);
    match &checks[3].outcome {
        PairOutcome::SwapFails { migration, sqlstate, .. } => {
            assert_eq!((migration.as_str(), sqlstate.as_str()), ("m2", "42P01"))
        }
        other => panic!("{other:?}"),
    }
    // Not adjacent: DROP TABLE u before CREATE TABLE u fails.
    let far = check_pairs(&base, &m, &[(3, 5)]);
    assert!(matches!(&far[0].outcome, PairOutcome::SwapFails { migration, .. } if migration == "m6"), "{far:?}");
}

fn skipped_baseline() -> Vec<Migration> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/skipped-baseline/migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .iter()
        .map(|p| Migration {
            name: p.file_stem().unwrap().to_string_lossy().into_owned(),
            path: p.display().to_string(),
            sql: std::fs::read_to_string(p).unwrap(),
            transaction: false,
        })
        .collect()
}

#[test]
fn skipped_baseline_graph_and_orders() {
    let m = skipped_baseline();
    let names: Vec<&str> = m.iter().map(|m| m.name.as_str()).collect();
    let pos = |prefix: &str| names.iter().position(|n| n.starts_with(prefix)).unwrap();
    let (m014, m115, m200) = (pos("014"), pos("115"), pos("200"));
    let options = ReplayOptions::default();
    let original = replay(&m, &options);
    let g = dependency_graph(&Catalog::new(), &m, &original, &options);
    let redeclared = edge(&g, m115, m200, "column status of table public.users");
    assert_eq!(redeclared.kind, EdgeKind::Uses);
    assert!(redeclared.reason.contains("re-declares column status"), "{}", redeclared.reason);
    assert!(edge(&g, 0, m014, "column id of table public.users").reason.contains("adds a foreign key to"));
    assert!(edge(&g, 0, m200, "table public.users").reason.contains("IF NOT EXISTS, skipped"));

    let base = new_session(&options);
    // 200 then 115 alone: 115 fails on a column 200 created.
    let fails = try_order(&base, &m, &original, &[m200, m115], &options);
    let failure = fails.failure.expect("115 after 200 fails on a fresh database");
    assert_eq!((failure.migration.as_str(), failure.sqlstate.as_str()), (names[m115], "42701"));
    assert!(fails.failing_as_before.is_empty());
    let status = failure.names.iter().find(|n| n.object == "column status of table public.users").unwrap();
    assert_eq!(status.tried.as_ref().unwrap().migration, names[m200]);
    assert_eq!(status.original.as_ref().unwrap().migration, names[m115]);
    assert_eq!(fails.omitted.len(), m.len() - 2);

    // Production plus 115 run late: the same schema, 200's CREATE TABLE skipped in favour of 115.
    let mut late: Vec<usize> = (0..m.len()).filter(|i| *i != m115).collect();
    late.push(m115);
    let report = try_order(&base, &m, &original, &late, &options);
    assert!(report.failure.is_none() && report.changes.is_empty(), "{report:#?}");
    // The graph's 115 -> 200 edges are what this order breaks, and nothing else.
    assert!(!report.broken.is_empty());
    assert!(report.broken.iter().all(|e| (e.from, e.to) == (m115, m200)), "{:#?}", report.broken);
    let skipped = report.skipped.iter().find(|s| s.migration == names[m200]).expect("200 skipped");
    assert!(skipped.notice.contains("\"users\" already exists"));
    assert!(skipped.from_later.iter().any(|n| n.object == "column status of table public.users"));

    // Production: without 115, its columns, CHECK and index are missing.
    let production: Vec<usize> = (0..m.len()).filter(|i| *i != m115).collect();
    let report = try_order(&base, &m, &original, &production, &options);
    let removed: Vec<&str> = report
        .changes
        .iter()
        .filter(|c| c.change.kind == ChangeKind::Removed)
        .map(|c| c.change.object.as_str())
        .collect();
    assert!(removed.contains(&"column status of table public.users"), "{removed:?}");
    assert!(removed.contains(&"index public.idx_users_status"), "{removed:?}");
    assert!(report
        .changes
        .iter()
        .filter(|c| c.change.kind == ChangeKind::Removed)
        .all(|c| c.original.as_ref().is_some_and(|w| w.migration == names[m115])));
}

/// The part of a corpus' `corpus.toml` needed here.
#[derive(Deserialize)]
struct CorpusToml {
    #[serde(default)]
    prelude: String,
    #[serde(default, rename = "migration")]
    migrations: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    seq: u32,
    name: String,
    up: String,
    transaction: bool,
}

fn corpus(name: &str) -> Option<Vec<Migration>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus").join(name);
    let Ok(text) = std::fs::read_to_string(dir.join("corpus.toml")) else {
        eprintln!("skipping: no corpus at {}", dir.display());
        return None;
    };
    let toml: CorpusToml = toml::from_str(&text).unwrap();
    let mut out = Vec::new();
    if !toml.prelude.is_empty() {
        let sql = std::fs::read_to_string(dir.join(&toml.prelude)).unwrap();
        out.push(Migration { name: "prelude".into(), path: toml.prelude.clone(), sql, transaction: true });
    }
    let mut entries = toml.migrations;
    entries.sort_by_key(|m| m.seq);
    for e in entries {
        let sql = String::from_utf8_lossy(&std::fs::read(dir.join(&e.up)).unwrap()).into_owned();
        out.push(Migration { name: e.name, path: e.up, sql, transaction: e.transaction });
    }
    Some(out)
}

/// Every foreign key of the final schema links the migration that created its referenced table
/// to the one that created the constraint, when they differ. Both are found by identity (the
/// creation `seq`, which renames keep), independently of the graph.
fn check_foreign_keys(name: &str) {
    let Some(m) = corpus(name) else { return };
    let options = ReplayOptions { on_error: OnError::Continue, search_path: None };
    let r = replay(&m, &options);
    let started = std::time::Instant::now();
    let g = dependency_graph(&Catalog::new(), &m, &r, &options);
    eprintln!("{name}: {} edges in {:?}", g.edges.len(), started.elapsed());
    assert!(g.edges.iter().all(|e| e.from < e.to && e.reason.starts_with(&m[e.to].name)));
    let tables = |c: &Catalog| -> Vec<schemasim_catalog::Table> {
        c.relations
            .values()
            .filter_map(|rel| match rel {
                schemasim_catalog::Relation::Table(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    };
    // The first migration after which `present` holds, and holds until the end.
    let since = |present: &dyn Fn(&Catalog) -> bool| {
        let mut first = None;
        for (k, report) in r.migrations.iter().enumerate() {
            if present(&report.catalog_after) {
                first.get_or_insert(k);
            } else {
                first = None;
            }
        }
        first
    };
    let mut checked = 0;
    for table in tables(&r.catalog) {
        for con in &table.constraints {
            let schemasim_catalog::ConstraintKind::ForeignKey(fk) = &con.kind else { continue };
            let Some(ref_seq) = r.catalog.table(&fk.ref_table).map(|t| t.seq) else { continue };
            let has_con = |c: &Catalog| tables(c).iter().any(|t| t.constraints.iter().any(|x| x.seq == con.seq));
            let has_ref = |c: &Catalog| tables(c).iter().any(|t| t.seq == ref_seq);
            let (Some(k), Some(j)) = (since(&has_con), since(&has_ref)) else { continue };
            if j < k {
                assert!(
                    g.linked(j, k),
                    "{name}: no edge {} -> {} (foreign key {} to {})",
                    m[j].name,
                    m[k].name,
                    con.name,
                    fk.ref_table
                );
                checked += 1;
            }
        }
    }
    eprintln!("{name}: {checked} foreign keys checked");
    assert!(checked > 0, "{name}: no foreign key checked");
}

/// Replaying a whole corpus history needs more stack than a test thread's 2 MiB in a debug
/// build (the CLI runs it on the main thread, with 8 MiB).
fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(64 << 20).spawn(f).unwrap().join().unwrap();
}

#[test]
fn crates_io_foreign_keys_are_edges() {
    with_big_stack(|| check_foreign_keys("crates-io"));
}

#[test]
fn lemmy_foreign_keys_are_edges() {
    with_big_stack(|| check_foreign_keys("lemmy"));
}
