//! `detect` and `from_files` over real directories (one per layout).

use std::fs;
use std::path::{Path, PathBuf};

use schemasim_layouts::{detect, from_entries, from_files, Layout, LayoutError, Project};

fn write(root: &Path, files: &[(&str, &str)]) {
    for (rel, content) in files {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    dir
}

fn disp(root: &Path, rel: &str) -> String {
    root.join(rel).display().to_string()
}

/// `(name, version, transaction, has down)` per step.
fn summary(p: &Project) -> Vec<(String, String, bool, bool)> {
    p.steps.iter().map(|s| (s.name.clone(), s.version.clone(), s.transaction, s.down.is_some())).collect()
}

fn s(name: &str, version: &str, tx: bool, down: bool) -> (String, String, bool, bool) {
    (name.to_string(), version.to_string(), tx, down)
}

/// detect() and from_entries() over the same relative files agree on
/// everything but display paths.
fn assert_agrees_with_entries(root: &Path, p: &Project, files: &[(&str, &str)]) {
    let q = from_entries(files.iter().map(|(r, c)| (r.to_string(), c.to_string())).collect()).unwrap();
    assert_eq!(p.layout, q.layout);
    assert_eq!(summary(p), summary(&q));
    for (a, b) in p.steps.iter().zip(&q.steps) {
        assert_eq!(a.up.path, disp(root, &b.up.path));
        assert_eq!(a.up.sql, b.up.sql);
        assert_eq!(a.down.as_ref().map(|d| &d.sql), b.down.as_ref().map(|d| &d.sql));
    }
    let ignored: Vec<String> = q.ignored.iter().map(|r| disp(root, r)).collect();
    assert_eq!(p.ignored, ignored);
}

#[test]
fn plain_numbered_dir() {
    let files = [
        ("10_c.sql", "create table c();"),
        ("2_b.sql", "create table b();"),
        ("2_b.down.sql", "drop table b;"),
        ("notes.txt", "not sql"),
    ];
    let dir = tree(&files);
    let p = detect(dir.path()).unwrap();
    assert_eq!(p.layout, Layout::PlainNumbered);
    assert_eq!(summary(&p), [s("2_b", "2", false, true), s("10_c", "10", false, false)]);
    assert_eq!(p.steps[0].up.path, disp(dir.path(), "2_b.sql"));
    assert_eq!(p.steps[0].down.as_ref().unwrap().sql, "drop table b;");
    assert_agrees_with_entries(dir.path(), &p, &files);
}

#[test]
fn diesel_dir() {
    let files = [
        ("diesel.toml", ""),
        ("migrations/.keep", ""),
        ("migrations/00000000000000_diesel_initial_setup/up.sql", "select 1;"),
        ("migrations/00000000000000_diesel_initial_setup/down.sql", "select 2;"),
        ("migrations/2019-01-01-000000_create_users/up.sql", "create table users();"),
        ("migrations/2019-01-01-000000_create_users/down.sql", "drop table users;"),
        ("migrations/2019-01-02-000000_idx/up.sql", "create index concurrently i on users ((1));"),
        ("migrations/2019-01-02-000000_idx/metadata.toml", "run_in_transaction = false"),
        ("migrations/data.sql", "insert"),
    ];
    let dir = tree(&files);
    let p = detect(dir.path()).unwrap();
    assert_eq!(p.layout, Layout::Diesel);
    assert_eq!(
        summary(&p),
        [
            s("00000000000000_diesel_initial_setup", "00000000000000", true, true),
            s("2019-01-01-000000_create_users", "20190101000000", true, true),
            s("2019-01-02-000000_idx", "20190102000000", false, false),
        ]
    );
    assert_eq!(p.ignored, [disp(dir.path(), "migrations/data.sql")]);
    assert_agrees_with_entries(dir.path(), &p, &files);

    // Pointing at migrations/ directly gives the same steps.
    let q = detect(&dir.path().join("migrations")).unwrap();
    assert_eq!(summary(&q), summary(&p));
}

#[test]
fn golang_migrate_dir() {
    let files = [
        ("001_create_river_migration.up.sql", "create table m();"),
        ("001_create_river_migration.down.sql", "drop table m;"),
        ("002_initial_schema.up.sql", "create table j();"),
        ("002_initial_schema.down.sql", "drop table j;"),
        ("migration.go", "package main"),
    ];
    let dir = tree(&files);
    let p = detect(dir.path()).unwrap();
    assert_eq!(p.layout, Layout::GolangMigrate);
    assert_eq!(
        summary(&p),
        [s("001_create_river_migration", "001", true, true), s("002_initial_schema", "002", true, true),]
    );
    assert_agrees_with_entries(dir.path(), &p, &files);
}

#[test]
fn flyway_dir() {
    let files = [
        ("src/main/resources/db/migration/V1__init.sql", "create table a();"),
        ("src/main/resources/db/migration/V1_1__more.sql", "create table b();"),
        ("src/main/resources/db/migration/U1_1__more.sql", "drop table b;"),
        ("src/main/resources/db/migration/R__views.sql", "create or replace view v as select 1;"),
        ("pom.xml", "<project/>"),
    ];
    let dir = tree(&files);
    let p = detect(dir.path()).unwrap();
    assert_eq!(p.layout, Layout::Flyway);
    assert_eq!(
        summary(&p),
        [s("V1__init", "1", true, false), s("V1_1__more", "1.1", true, true), s("R__views", "", true, false),]
    );
    assert_agrees_with_entries(dir.path(), &p, &files);
}

#[test]
fn dbmate_dir() {
    let files = [
        (
            "db/migrations/20200101000000_create_users.sql",
            "-- migrate:up\ncreate table users();\n\n-- migrate:down\ndrop table users;\n",
        ),
        (
            "db/migrations/20200102000000_index.sql",
            "-- migrate:up transaction:false\ncreate index concurrently i on users ((1));\n",
        ),
        ("db/schema.sql", "-- dumped schema"),
    ];
    let dir = tree(&files);
    let p = detect(dir.path()).unwrap();
    assert_eq!(p.layout, Layout::Dbmate);
    assert_eq!(
        summary(&p),
        [
            s("20200101000000_create_users", "20200101000000", true, true),
            s("20200102000000_index", "20200102000000", false, false),
        ]
    );
    assert_eq!(p.steps[0].up.sql, "create table users();\n\n");
    assert_eq!(p.steps[0].down.as_ref().unwrap().sql, "drop table users;\n");
    assert_eq!(p.ignored, [disp(dir.path(), "db/schema.sql")]);
    assert_agrees_with_entries(dir.path(), &p, &files);
}

#[test]
fn prisma_dir() {
    let files = [
        ("prisma/schema.prisma", "datasource db {}"),
        ("prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n"),
        ("prisma/migrations/20210101000000_init/migration.sql", "create table a();"),
        ("prisma/migrations/20210202000000_more/migration.sql", "create table b();"),
    ];
    let dir = tree(&files);
    let p = detect(dir.path()).unwrap();
    assert_eq!(p.layout, Layout::Prisma);
    assert_eq!(
        summary(&p),
        [
            s("20210101000000_init", "20210101000000", true, false),
            s("20210202000000_more", "20210202000000", true, false),
        ]
    );
    assert_agrees_with_entries(dir.path(), &p, &files);
}

#[test]
fn supabase_dir() {
    let files = [
        ("supabase/config.toml", ""),
        ("supabase/seed.sql", "insert into a values (1);"),
        ("supabase/migrations/20240414161707_setup.sql", "create table a();"),
        ("supabase/migrations/20240414161947_accounts.sql", "create table b();"),
    ];
    let dir = tree(&files);
    let p = detect(dir.path()).unwrap();
    assert_eq!(p.layout, Layout::Supabase);
    assert_eq!(
        summary(&p),
        [
            s("20240414161707_setup", "20240414161707", true, false),
            s("20240414161947_accounts", "20240414161947", true, false),
        ]
    );
    assert_eq!(p.ignored, [disp(dir.path(), "supabase/seed.sql")]);
    assert_agrees_with_entries(dir.path(), &p, &files);

    // detect() on supabase/migrations itself knows the directory's name.
    let q = detect(&dir.path().join("supabase/migrations")).unwrap();
    assert_eq!(q.layout, Layout::Supabase);
    assert_eq!(summary(&q), summary(&p));
}

#[test]
fn hidden_and_vendored_directories_are_skipped() {
    let dir = tree(&[
        ("001_a.sql", "a"),
        (".git/001_x.sql", "x"),
        (".hidden/002_y.sql", "y"),
        ("node_modules/pkg/003_z.sql", "z"),
        ("target/004_w.sql", "w"),
    ]);
    let p = detect(dir.path()).unwrap();
    assert_eq!(summary(&p), [s("001_a", "001", false, false)]);
    assert!(p.ignored.is_empty());
}

#[test]
fn detect_errors() {
    let dir = tree(&[("README.md", "no sql here"), ("sub/notes.txt", "")]);

    let e = detect(dir.path()).unwrap_err();
    assert!(matches!(e, LayoutError::NoMigrations { .. }), "{e:?}");
    assert!(e.to_string().contains(&dir.path().display().to_string()), "{e}");

    let empty = tempfile::tempdir().unwrap();
    let e = detect(empty.path()).unwrap_err();
    assert!(matches!(e, LayoutError::NoMigrations { .. }), "{e:?}");

    let missing = dir.path().join("missing");
    let e = detect(&missing).unwrap_err();
    assert!(matches!(e, LayoutError::Io { .. }), "{e:?}");
    assert!(e.to_string().contains("missing"), "{e}");

    let file = dir.path().join("README.md");
    let e = detect(&file).unwrap_err();
    assert!(matches!(e, LayoutError::NotADirectory { .. }), "{e:?}");
    assert!(e.to_string().contains("README.md"), "{e}");
}

#[test]
fn invalid_utf8() {
    let dir = tree(&[("001_a.sql", "ok")]);
    fs::write(dir.path().join("002_b.sql"), b"select '\xff';").unwrap();
    let e = detect(dir.path()).unwrap_err();
    match &e {
        LayoutError::InvalidUtf8 { path, valid_up_to } => {
            assert_eq!(path, &disp(dir.path(), "002_b.sql"));
            assert_eq!(*valid_up_to, 8);
        }
        other => panic!("expected InvalidUtf8, got {other:?}"),
    }
    assert!(e.to_string().contains("002_b.sql"), "{e}");

    // A non-UTF-8 file that is not part of a step does not matter.
    let dir = tree(&[("001_a.up.sql", "ok"), ("001_a.down.sql", "ok")]);
    fs::create_dir(dir.path().join("other")).unwrap();
    fs::write(dir.path().join("other/notes.sql"), b"\xfe\xff").unwrap();
    let p = detect(dir.path()).unwrap();
    assert_eq!(p.layout, Layout::GolangMigrate);
    assert_eq!(p.ignored, [disp(dir.path(), "other/notes.sql")]);
}

#[test]
fn explicit_files() {
    let dir = tree(&[
        ("b/010_second.sql", "create table b();"),
        ("a/002_first.sql", "create table a();"),
        ("V1_2__flyway.sql", "select 1;"),
    ]);
    let files: Vec<PathBuf> =
        ["b/010_second.sql", "a/002_first.sql", "V1_2__flyway.sql"].iter().map(|r| dir.path().join(r)).collect();
    let p = from_files(&files).unwrap();
    assert_eq!(p.layout, Layout::Files);
    assert_eq!(
        summary(&p),
        [
            s("010_second", "010", false, false),
            s("002_first", "002", false, false),
            s("V1_2__flyway", "1.2", false, false),
        ]
    );
    assert_eq!(p.steps[0].up.path, files[0].display().to_string());
    assert_eq!(p.steps[1].up.sql, "create table a();");
    assert!(p.ignored.is_empty());

    assert!(matches!(from_files(&[]), Err(LayoutError::NoFiles)));
    let e = from_files(&[dir.path().join("a")]).unwrap_err();
    assert!(matches!(e, LayoutError::NotAFile { .. }), "{e:?}");
    let e = from_files(&[dir.path().join("nope.sql")]).unwrap_err();
    assert!(matches!(e, LayoutError::Io { .. }), "{e:?}");
    assert!(e.to_string().contains("nope.sql"), "{e}");

    fs::write(dir.path().join("bad.sql"), b"\xc3").unwrap();
    let e = from_files(&[dir.path().join("bad.sql")]).unwrap_err();
    assert!(matches!(e, LayoutError::InvalidUtf8 { valid_up_to: 0, .. }), "{e:?}");
}
