//! Data-driven detection tests over in-memory entries (`from_entries`).

use schemasim_layouts::{from_entries, resolve_step, Layout, LayoutError, Project};

struct Case {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    layout: Layout,
    /// One line per step: `name | version | up path | down path or - | tx`.
    steps: &'static [&'static str],
    ignored: &'static [&'static str],
}

fn render(p: &Project) -> Vec<String> {
    p.steps
        .iter()
        .map(|s| {
            format!(
                "{} | {} | {} | {} | {}",
                s.name,
                s.version,
                s.up.path,
                s.down.as_ref().map_or("-", |d| d.path.as_str()),
                if s.transaction { "tx" } else { "no-tx" }
            )
        })
        .collect()
}

const DBMATE_A: &str = "-- migrate:up\ncreate table a (id int);\n\n-- migrate:down\ndrop table a;\n";
const DBMATE_B: &str = "-- migrate:up transaction:false\ncreate index concurrently i on a (id);\n-- migrate:down\n";

const CASES: &[Case] = &[
    Case {
        name: "plain numbered, natural order, .down.sql pairs, non-sql ignored",
        files: &[
            ("10_c.sql", "c"),
            ("2_b.sql", "b"),
            ("1_a.sql", "a"),
            ("1_a.down.sql", "undo a"),
            ("README.md", "docs"),
        ],
        layout: Layout::PlainNumbered,
        steps: &[
            "1_a | 1 | 1_a.sql | 1_a.down.sql | no-tx",
            "2_b | 2 | 2_b.sql | - | no-tx",
            "10_c | 10 | 10_c.sql | - | no-tx",
        ],
        ignored: &[],
    },
    Case {
        name: "plain numbered, _up/_down suffixes, orphan down ignored",
        files: &[
            ("001_users_up.sql", "u"),
            ("001_users_down.sql", "d"),
            ("002_posts.sql", "p"),
            ("003_gone_down.sql", "x"),
        ],
        layout: Layout::PlainNumbered,
        steps: &[
            "001_users | 001 | 001_users_up.sql | 001_users_down.sql | no-tx",
            "002_posts | 002 | 002_posts.sql | - | no-tx",
        ],
        ignored: &["003_gone_down.sql"],
    },
    Case {
        name: "plain, numbered files win over unnumbered ones",
        files: &[("0002-b.sql", "b"), ("0001-a.sql", "a"), ("seed.sql", "s")],
        layout: Layout::PlainNumbered,
        steps: &[
            "0001-a | 0001 | 0001-a.sql | - | no-tx",
            "0002-b | 0002 | 0002-b.sql | - | no-tx",
        ],
        ignored: &["seed.sql"],
    },
    Case {
        name: "plain, no numbered files: all files in natural name order",
        files: &[("schema.sql", "s"), ("data10.sql", "d"), ("data9.sql", "d")],
        layout: Layout::PlainNumbered,
        steps: &[
            "data9 |  | data9.sql | - | no-tx",
            "data10 |  | data10.sql | - | no-tx",
            "schema |  | schema.sql | - | no-tx",
        ],
        ignored: &[],
    },
    Case {
        name: "corpus style up/ and down/ sibling directories",
        files: &[
            ("up/0001_001_a.sql", "a"),
            ("up/0002_002_b.sql", "b"),
            ("down/0001_001_a.sql", "undo a"),
            ("down/0002_002_b.sql", "undo b"),
            ("prelude.sql", "p"),
            ("expected/after-up.sql", "e"),
            ("corpus.toml", ""),
        ],
        layout: Layout::PlainNumbered,
        steps: &[
            "0001_001_a | 0001 | up/0001_001_a.sql | down/0001_001_a.sql | no-tx",
            "0002_002_b | 0002 | up/0002_002_b.sql | down/0002_002_b.sql | no-tx",
        ],
        ignored: &["expected/after-up.sql", "prelude.sql"],
    },
    Case {
        name: "diesel folders under migrations/, metadata.toml, stray sql ignored",
        files: &[
            ("diesel.toml", ""),
            ("migrations/00000000000000_diesel_initial_setup/up.sql", "init"),
            ("migrations/00000000000000_diesel_initial_setup/down.sql", "uninit"),
            ("migrations/2019-02-26-002946_create_user/up.sql", "u"),
            ("migrations/2019-02-26-002946_create_user/down.sql", "d"),
            ("migrations/2024-02-12-120203_concurrent_index/up.sql", "u"),
            ("migrations/2024-02-12-120203_concurrent_index/down.sql", "d"),
            (
                "migrations/2024-02-12-120203_concurrent_index/metadata.toml",
                "run_in_transaction = false\n",
            ),
            ("migrations/20140924113530_dumped_migration_1/up.sql", "u"),
            ("migrations/data_oauth_github.sql", "data"),
        ],
        layout: Layout::Diesel,
        steps: &[
            "00000000000000_diesel_initial_setup | 00000000000000 | migrations/00000000000000_diesel_initial_setup/up.sql | migrations/00000000000000_diesel_initial_setup/down.sql | tx",
            "20140924113530_dumped_migration_1 | 20140924113530 | migrations/20140924113530_dumped_migration_1/up.sql | - | tx",
            "2019-02-26-002946_create_user | 20190226002946 | migrations/2019-02-26-002946_create_user/up.sql | migrations/2019-02-26-002946_create_user/down.sql | tx",
            "2024-02-12-120203_concurrent_index | 20240212120203 | migrations/2024-02-12-120203_concurrent_index/up.sql | migrations/2024-02-12-120203_concurrent_index/down.sql | no-tx",
        ],
        ignored: &["migrations/data_oauth_github.sql"],
    },
    Case {
        name: "diesel versions compare as strings, like diesel",
        files: &[
            ("2026-01-20-162913_b/up.sql", "b"),
            ("2025-11-19-091444-0000_a/up.sql", "a"),
        ],
        layout: Layout::Diesel,
        steps: &[
            "2025-11-19-091444-0000_a | 202511190914440000 | 2025-11-19-091444-0000_a/up.sql | - | tx",
            "2026-01-20-162913_b | 20260120162913 | 2026-01-20-162913_b/up.sql | - | tx",
        ],
        ignored: &[],
    },
    Case {
        name: "golang-migrate, orphan down ignored",
        files: &[
            ("001_create_river_migration.up.sql", "u"),
            ("001_create_river_migration.down.sql", "d"),
            ("002_initial_schema.up.sql", "u"),
            ("002_initial_schema.down.sql", "d"),
            ("010_later.up.sql", "u"),
            ("009_orphan.down.sql", "d"),
        ],
        layout: Layout::GolangMigrate,
        steps: &[
            "001_create_river_migration | 001 | 001_create_river_migration.up.sql | 001_create_river_migration.down.sql | tx",
            "002_initial_schema | 002 | 002_initial_schema.up.sql | 002_initial_schema.down.sql | tx",
            "010_later | 010 | 010_later.up.sql | - | tx",
        ],
        ignored: &["009_orphan.down.sql"],
    },
    Case {
        name: "popx dialects and autocommit, nested base directory",
        files: &[
            ("persistence/sql/migrations/sql/1_a.postgres.up.sql", "pg"),
            ("persistence/sql/migrations/sql/1_a.up.sql", "generic"),
            ("persistence/sql/migrations/sql/1_a.mysql.up.sql", "my"),
            ("persistence/sql/migrations/sql/1_a.postgres.down.sql", "pg"),
            ("persistence/sql/migrations/sql/1_a.down.sql", "generic"),
            ("persistence/sql/migrations/sql/2_b.autocommit.up.sql", "u"),
            ("persistence/sql/migrations/sql/2_b.autocommit.down.sql", "d"),
            ("persistence/sql/migrations/sql/3_c.sqlite3.up.sql", "lite"),
            ("persistence/sql/migrations/sql/4_d.up.sql", "generic only"),
        ],
        layout: Layout::GolangMigrate,
        steps: &[
            "1_a | 1 | persistence/sql/migrations/sql/1_a.postgres.up.sql | persistence/sql/migrations/sql/1_a.postgres.down.sql | tx",
            "2_b | 2 | persistence/sql/migrations/sql/2_b.autocommit.up.sql | persistence/sql/migrations/sql/2_b.autocommit.down.sql | no-tx",
            "4_d | 4 | persistence/sql/migrations/sql/4_d.up.sql | - | tx",
        ],
        ignored: &[
            "persistence/sql/migrations/sql/1_a.down.sql",
            "persistence/sql/migrations/sql/1_a.mysql.up.sql",
            "persistence/sql/migrations/sql/1_a.up.sql",
            "persistence/sql/migrations/sql/3_c.sqlite3.up.sql",
        ],
    },
    Case {
        name: "flyway versioned, undo, repeatable, script config",
        files: &[
            ("db/migration/V1__init.sql", "i"),
            ("db/migration/V1_1__add.sql", "a"),
            ("db/migration/V1.10__later.sql", "l"),
            ("db/migration/V1_2__conc.sql", "c"),
            ("db/migration/V1_2__conc.sql.conf", "executeInTransaction=false\n"),
            ("db/migration/V2__x.sql", "x"),
            ("db/migration/U2__x.sql", "undo x"),
            ("db/migration/R__views.sql", "v"),
            ("db/migration/R__a_funcs.sql", "f"),
        ],
        layout: Layout::Flyway,
        steps: &[
            "V1__init | 1 | db/migration/V1__init.sql | - | tx",
            "V1_1__add | 1.1 | db/migration/V1_1__add.sql | - | tx",
            "V1_2__conc | 1.2 | db/migration/V1_2__conc.sql | - | no-tx",
            "V1.10__later | 1.10 | db/migration/V1.10__later.sql | - | tx",
            "V2__x | 2 | db/migration/V2__x.sql | db/migration/U2__x.sql | tx",
            "R__a_funcs |  | db/migration/R__a_funcs.sql | - | tx",
            "R__views |  | db/migration/R__views.sql | - | tx",
        ],
        ignored: &[],
    },
    Case {
        name: "dbmate markers beat supabase-style timestamps in db/migrations",
        files: &[
            ("db/migrations/20200101000000_a.sql", DBMATE_A),
            ("db/migrations/20200102000000_b.sql", DBMATE_B),
            ("db/schema.sql", "dump"),
        ],
        layout: Layout::Dbmate,
        steps: &[
            "20200101000000_a | 20200101000000 | db/migrations/20200101000000_a.sql | db/migrations/20200101000000_a.sql | tx",
            "20200102000000_b | 20200102000000 | db/migrations/20200102000000_b.sql | db/migrations/20200102000000_b.sql | no-tx",
        ],
        ignored: &["db/schema.sql"],
    },
    Case {
        name: "prisma folders ordered numerically, lock file ignored",
        files: &[
            ("prisma/migrations/migration_lock.toml", "provider = \"postgresql\""),
            ("prisma/migrations/10_later/migration.sql", "l"),
            ("prisma/migrations/02_report/migration.sql", "r"),
            ("prisma/migrations/01_init/migration.sql", "i"),
            ("prisma/schema.prisma", ""),
        ],
        layout: Layout::Prisma,
        steps: &[
            "01_init | 01 | prisma/migrations/01_init/migration.sql | - | tx",
            "02_report | 02 | prisma/migrations/02_report/migration.sql | - | tx",
            "10_later | 10 | prisma/migrations/10_later/migration.sql | - | tx",
        ],
        ignored: &[],
    },
    Case {
        name: "supabase/migrations, seed ignored",
        files: &[
            ("supabase/config.toml", ""),
            ("supabase/seed.sql", "insert"),
            ("supabase/migrations/20240414161947_basejump-accounts.sql", "b"),
            ("supabase/migrations/20240414161707_basejump-setup.sql", "a"),
        ],
        layout: Layout::Supabase,
        steps: &[
            "20240414161707_basejump-setup | 20240414161707 | supabase/migrations/20240414161707_basejump-setup.sql | - | tx",
            "20240414161947_basejump-accounts | 20240414161947 | supabase/migrations/20240414161947_basejump-accounts.sql | - | tx",
        ],
        ignored: &["supabase/seed.sql"],
    },
    Case {
        name: "any migrations/ directory with 14-digit timestamps is supabase",
        files: &[
            ("migrations/20240101000000_a.sql", "a"),
            ("migrations/20240102000000_b.sql", "b"),
        ],
        layout: Layout::Supabase,
        steps: &[
            "20240101000000_a | 20240101000000 | migrations/20240101000000_a.sql | - | tx",
            "20240102000000_b | 20240102000000 | migrations/20240102000000_b.sql | - | tx",
        ],
        ignored: &[],
    },
    Case {
        name: "timestamps outside a migrations directory are plain numbered",
        files: &[("sql/20240101000000_a.sql", "a")],
        layout: Layout::PlainNumbered,
        steps: &["20240101000000_a | 20240101000000 | sql/20240101000000_a.sql | - | no-tx"],
        ignored: &[],
    },
    Case {
        name: "mixed: the layout matching the most files wins",
        files: &[
            ("old/2019-01-01-000000_a/up.sql", "a"),
            ("old/2019-01-01-000000_a/down.sql", "a"),
            ("new/1_a.up.sql", "a"),
            ("new/1_a.down.sql", "a"),
            ("new/2_b.up.sql", "b"),
            ("new/2_b.down.sql", "b"),
        ],
        layout: Layout::GolangMigrate,
        steps: &[
            "1_a | 1 | new/1_a.up.sql | new/1_a.down.sql | tx",
            "2_b | 2 | new/2_b.up.sql | new/2_b.down.sql | tx",
        ],
        ignored: &[
            "old/2019-01-01-000000_a/down.sql",
            "old/2019-01-01-000000_a/up.sql",
        ],
    },
    Case {
        name: "dbmate folder with an unmarked file stays dbmate",
        files: &[
            ("20200101000000_a.sql", DBMATE_A),
            ("20200102000000_b.sql", DBMATE_B),
            ("20200103000000_c.sql", "create table c();"),
        ],
        layout: Layout::Dbmate,
        steps: &[
            "20200101000000_a | 20200101000000 | 20200101000000_a.sql | 20200101000000_a.sql | tx",
            "20200102000000_b | 20200102000000 | 20200102000000_b.sql | 20200102000000_b.sql | no-tx",
        ],
        ignored: &["20200103000000_c.sql"],
    },
    Case {
        name: "golang-migrate folder with a stray numbered file stays golang-migrate",
        files: &[
            ("1_a.up.sql", "a"),
            ("1_a.down.sql", "a"),
            ("000_setup.sql", "s"),
        ],
        layout: Layout::GolangMigrate,
        steps: &["1_a | 1 | 1_a.up.sql | 1_a.down.sql | tx"],
        ignored: &["000_setup.sql"],
    },
    Case {
        name: "flyway callbacks and unmatched undo files are ignored",
        files: &[
            ("V1__a.sql", "a"),
            ("afterMigrate.sql", "cb"),
            ("U7__nothing.sql", "u"),
        ],
        layout: Layout::Flyway,
        steps: &["V1__a | 1 | V1__a.sql | - | tx"],
        ignored: &["U7__nothing.sql", "afterMigrate.sql"],
    },
    Case {
        name: "a plain folder with one accidental golang-style name stays plain",
        files: &[
            ("001_a.sql", "a"),
            ("002_b.sql", "b"),
            ("003_c.up.sql", "c"),
        ],
        layout: Layout::PlainNumbered,
        steps: &[
            "001_a | 001 | 001_a.sql | - | no-tx",
            "002_b | 002 | 002_b.sql | - | no-tx",
            "003_c | 003 | 003_c.up.sql | - | no-tx",
        ],
        ignored: &[],
    },
    Case {
        name: "backslashes, ./ prefixes and duplicate entries are normalised",
        files: &[
            (".\\migrations\\001_a.up.sql", "a"),
            ("./migrations//001_a.down.sql", "undo"),
            ("migrations/001_a.up.sql", "duplicate, dropped"),
        ],
        layout: Layout::GolangMigrate,
        steps: &["001_a | 001 | .\\migrations\\001_a.up.sql | ./migrations//001_a.down.sql | tx"],
        ignored: &[],
    },
];

#[test]
fn detection_cases() {
    let mut failures = Vec::new();
    for case in CASES {
        let entries = case.files.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect();
        match from_entries(entries) {
            Ok(p) => {
                let steps = render(&p);
                if p.layout != case.layout || steps != case.steps || p.ignored != case.ignored {
                    failures.push(format!(
                        "{}:\n  layout {:?} (want {:?})\n  steps {:#?}\n  ignored {:?}",
                        case.name, p.layout, case.layout, steps, p.ignored
                    ));
                }
            }
            Err(e) => failures.push(format!("{}: error {e}", case.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn dbmate_sections_are_split() {
    let p = from_entries(vec![("1_a.sql".into(), DBMATE_A.into()), ("2_b.sql".into(), DBMATE_B.into())]).unwrap();
    assert_eq!(p.layout, Layout::Dbmate);
    assert_eq!(p.steps[0].up.sql, "create table a (id int);\n\n");
    assert_eq!(p.steps[0].down.as_ref().unwrap().sql, "drop table a;\n");
    assert_eq!(p.steps[1].up.sql, "create index concurrently i on a (id);\n");
    assert_eq!(p.steps[1].down.as_ref().unwrap().sql, "");
}

#[test]
fn contents_are_kept_verbatim() {
    let p = from_entries(vec![
        ("001_a.up.sql".into(), "create table a();\r\n-- é\n".into()),
        ("001_a.down.sql".into(), "drop table a;".into()),
    ])
    .unwrap();
    assert_eq!(p.steps[0].up.sql, "create table a();\r\n-- é\n");
    assert_eq!(p.steps[0].down.as_ref().unwrap().sql, "drop table a;");
}

#[test]
fn no_migrations() {
    for entries in [
        vec![],
        vec![("README.md".to_string(), "x".to_string())],
        vec![("a/".to_string(), String::new()), (String::new(), String::new())],
    ] {
        match from_entries(entries) {
            Err(e @ LayoutError::NoMigrations { .. }) => {
                assert!(e.to_string().contains("the given entries"), "{e}");
            }
            other => panic!("expected NoMigrations, got {other:?}"),
        }
    }
}

#[test]
fn odd_names_do_not_panic() {
    let names = [
        ".sql",
        "_.sql",
        "_down.sql",
        ".down.sql",
        "V.sql",
        "V__.sql",
        "R__.sql",
        "U1__.sql",
        "1_.up.sql",
        "1.up.sql",
        "é.sql",
        "1é_down.sql",
        "up/.sql",
        "up.sql",
        "migration.sql",
        "-/up.sql",
        "0_/up.sql",
        "x/.down.sql",
        "1_a.autocommit.autocommit.up.sql",
        "1_.postgres.up.sql",
        "supabase/migrations/_x.sql",
        "migrations/1_x.sql",
    ];
    for name in names {
        let _ = from_entries(vec![(name.to_string(), "-- migrate:up\n".to_string())]);
    }
    let all = names.iter().map(|n| (n.to_string(), "-- migrate:down\n-- migrate:up".to_string())).collect();
    let p = from_entries(all).unwrap();
    assert!(!p.steps.is_empty());
}

fn project(files: &[(&str, &str)]) -> Project {
    from_entries(files.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect()).unwrap()
}

#[test]
fn resolve_by_name_version_and_position() {
    let p = project(&[("001_a.sql", ""), ("002_b.sql", ""), ("004_add_status.sql", ""), ("010_j.sql", "")]);
    assert_eq!(resolve_step(&p, "004_add_status"), Some(2));
    assert_eq!(resolve_step(&p, "004_add_status.sql"), Some(2));
    assert_eq!(resolve_step(&p, "004"), Some(2));
    assert_eq!(resolve_step(&p, "4"), Some(2));
    assert_eq!(resolve_step(&p, " 10 "), Some(3), "version 010 before position");
    assert_eq!(resolve_step(&p, "3"), Some(2), "no version 3: third step");
    assert_eq!(resolve_step(&p, "1"), Some(0));
    assert_eq!(resolve_step(&p, "5"), None);
    assert_eq!(resolve_step(&p, "0"), None);
    assert_eq!(resolve_step(&p, ""), None);
    assert_eq!(resolve_step(&p, "nope"), None);
    assert_eq!(resolve_step(&p, "-1"), None);
    assert_eq!(resolve_step(&p, "99999999999999999999999999"), None);
}

#[test]
fn resolve_diesel_and_flyway_versions() {
    let p = project(&[("2019-01-01-000000_create_users/up.sql", ""), ("2019-01-02-000000_create_posts/up.sql", "")]);
    assert_eq!(p.layout, Layout::Diesel);
    assert_eq!(resolve_step(&p, "20190102000000"), Some(1));
    assert_eq!(resolve_step(&p, "2019-01-02-000000"), Some(1));
    assert_eq!(resolve_step(&p, "2019-01-01-000000_create_users"), Some(0));

    let p = project(&[("V1__a.sql", ""), ("V1_2__b.sql", ""), ("R__c.sql", "")]);
    assert_eq!(p.layout, Layout::Flyway);
    assert_eq!(resolve_step(&p, "1.2"), Some(1));
    assert_eq!(resolve_step(&p, "1_2"), Some(1));
    assert_eq!(resolve_step(&p, "V1_2"), Some(1));
    assert_eq!(resolve_step(&p, "1.02"), Some(1));
    assert_eq!(resolve_step(&p, "R__c"), Some(2));
    assert_eq!(resolve_step(&p, "3"), Some(2));
}

#[test]
fn layout_names() {
    let all = [
        (Layout::PlainNumbered, "plain-numbered"),
        (Layout::Diesel, "diesel"),
        (Layout::GolangMigrate, "golang-migrate"),
        (Layout::Flyway, "flyway"),
        (Layout::Dbmate, "dbmate"),
        (Layout::Prisma, "prisma"),
        (Layout::Supabase, "supabase"),
        (Layout::Files, "files"),
    ];
    for (layout, name) in all {
        assert_eq!(layout.as_str(), name);
        assert_eq!(layout.to_string(), name);
    }
}

#[test]
fn project_serializes() {
    let p = project(&[("1_a.up.sql", "create table a();"), ("1_a.down.sql", "drop table a;"), ("stray.sql", "x")]);
    insta::assert_yaml_snapshot!(p, @r#"
    layout: golang-migrate
    steps:
      - name: 1_a
        version: "1"
        up:
          path: 1_a.up.sql
          sql: create table a();
        down:
          path: 1_a.down.sql
          sql: drop table a;
        transaction: true
    ignored:
      - stray.sql
    "#);
}
