//! End-to-end: the `schemasim` binary over `examples/`.

use std::path::PathBuf;
use std::process::Command;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn schemasim(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_schemasim")).args(args).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn skipped_baseline_shows_the_notice_that_hid_the_problem() {
    let dir = examples().join("skipped-baseline/migrations");
    let (code, out) = schemasim(&["replay", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("200_consolidated_baseline.sql:7:1: NOTICE: relation \"users\" already exists, skipping"),
        "{out}"
    );
}

#[test]
fn production_without_115_rejects_the_app_insert() {
    let base = examples().join("skipped-baseline");
    let applied = std::fs::read_to_string(base.join("production-applied.txt")).unwrap();
    let mut files: Vec<String> = applied
        .lines()
        .map(str::trim)
        .filter(|l| l.ends_with(".sql"))
        .map(|l| base.join("migrations").join(l.rsplit('/').next().unwrap()).display().to_string())
        .collect();
    assert!(!files.iter().any(|f| f.contains("115_")));
    files.push(base.join("queries/admin_add_customer.sql").display().to_string());
    let mut args = vec!["replay"];
    args.extend(files.iter().map(String::as_str));
    let (code, out) = schemasim(&args);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ERROR 42703: column \"status\" of relation \"users\" does not exist"), "{out}");
}

#[test]
fn json_output_lists_every_statement() {
    let dir = examples().join("skipped-baseline/migrations");
    let (code, out) = schemasim(&["replay", "--format", "json", dir.to_str().unwrap()]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid json");
    let migrations = v["migrations"].as_array().unwrap();
    assert_eq!(migrations.len(), 6);
    assert!(migrations.iter().all(|m| m["statements"].as_array().is_some_and(|s| !s.is_empty())));
    assert!(v["schema"]["relations"].as_array().is_some_and(|r| !r.is_empty()));
}

#[test]
fn rollback_plan_down_fails_on_a_dependency() {
    let dir = examples().join("rollback-plan-fails/migrations");
    let ups: Vec<String> = {
        let mut v: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".up.sql"))
            .collect();
        v.sort();
        v.into_iter().map(|p| p.display().to_string()).collect()
    };
    let down = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("000006") && p.to_string_lossy().ends_with(".down.sql"))
        .expect("down 6 exists");
    let mut args = vec!["replay", "--tx", "per-file"];
    args.extend(ups.iter().map(String::as_str));
    let down = down.display().to_string();
    args.push(&down);
    let (code, out) = schemasim(&args);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ERROR 2BP01: cannot drop table accounts because other objects depend on it"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let (code, _) = schemasim(&["replay", "/nonexistent/path.sql"]);
    assert_eq!(code, 2);
}

#[test]
fn rollback_check_finds_failing_downs_and_residue() {
    let dir = examples().join("rollback-plan-fails/migrations");
    let (code, out) = schemasim(&["rollback-check", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("000004_add_refund_entries: down succeeds but leaves residue"), "{out}");
    assert!(out.contains("'refund'"), "{out}");
    assert!(out.contains("before: currency character(3) NOT NULL"), "{out}");
    assert!(out.contains("000006_rebuild_accounts: down fails"), "{out}");
    assert!(out.contains("ERROR 2BP01: cannot drop table accounts because other objects depend on it"), "{out}");
}

#[test]
fn rollback_check_json_is_structured() {
    let dir = examples().join("rollback-plan-fails/migrations");
    let (_, out) = schemasim(&["rollback-check", "--format", "json", dir.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid json");
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 6);
    assert!(steps.iter().any(|s| s["down"]["status"] == "failed" && s["down"]["sqlstate"] == "2BP01"));
}

#[test]
fn diff_between_steps_lists_added_columns() {
    let dir = examples().join("skipped-baseline/migrations");
    let (code, out) = schemasim(&["diff", "--from", "058", "--to", "115", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("+ column status of table public.users"), "{out}");
    assert!(out.contains("+ column signup_metadata of table public.users"), "{out}");
}

#[test]
fn until_stops_at_the_named_step_by_name_version_or_position() {
    let dir = examples().join("skipped-baseline/migrations");
    for spec in ["058_add_user_phone", "058", "4"] {
        let (code, out) = schemasim(&["replay", "--until", spec, dir.to_str().unwrap()]);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("058_add_user_phone"), "{spec}: {out}");
        assert!(!out.contains("115_add_user_status"), "{spec}: {out}");
        assert!(out.contains("4 migrations: 4 ok"), "{spec}: {out}");
    }
    let (code, out) = schemasim(&["replay", "--until", "999", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn drift_traces_production_gaps_to_their_migrations() {
    let base = examples().join("drift");
    let (code, out) = schemasim(&[
        "drift",
        "--against",
        base.join("production.sql").to_str().unwrap(),
        base.join("migrations").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("- missing in production: column locale of table public.users  (005_add_locale_and_archiving)"),
        "{out}"
    );
    assert!(out.contains("- missing in production: index public.projects_active_idx  (006_project_indexes)"), "{out}");
    assert!(out.contains("history's final state vs production: 3 differences"), "{out}");
    assert!(out.contains("PARTLY  005_add_locale_and_archiving"), "{out}");
    assert!(out.contains("present  004_create_projects"), "{out}");
}

#[test]
fn drift_lists_the_system_rows_the_history_inserts() {
    let base = examples().join("drift");
    let dump = base.join("production.sql");
    let migrations = base.join("migrations");
    let (code, out) = schemasim(&["drift", "--against", dump.to_str().unwrap(), migrations.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let section = out.split("expected rows (not checkable from a schema-only dump):\n").nth(1).expect("section");
    let lines: Vec<&str> = section.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "  public.team_roles: 5 rows", "{out}");
    assert!(lines[1].ends_with("002_create_team_roles.sql:11:1: INSERT, 5 rows (002_create_team_roles)"), "{out}");
    assert_eq!(lines[2], "  public.notification_templates: 3 rows", "{out}");
    assert!(lines[4].starts_with("  public.notification_preferences: rows from data"), "{out}");

    let (_, out) =
        schemasim(&["drift", "--format", "json", "--against", dump.to_str().unwrap(), migrations.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid json");
    let rows: Vec<(&str, Option<u64>, Vec<&str>)> = v["expected_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let from = t["inserts"].as_array().unwrap().iter().map(|i| i["migration"].as_str().unwrap()).collect();
            (t["table"].as_str().unwrap(), t["rows"].as_u64(), from)
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("public.team_roles", Some(5), vec!["002_create_team_roles"]),
            ("public.notification_templates", Some(3), vec!["003_create_notifications"]),
            ("public.notification_preferences", None, vec!["003_create_notifications"]),
        ]
    );

    // Only the migrations replayed count.
    let (_, out) = schemasim(&[
        "drift",
        "--format",
        "json",
        "--until",
        "002",
        "--against",
        dump.to_str().unwrap(),
        migrations.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid json");
    let tables: Vec<&str> =
        v["expected_rows"].as_array().unwrap().iter().map(|t| t["table"].as_str().unwrap()).collect();
    assert_eq!(tables, vec!["public.team_roles"]);
}

#[test]
fn drift_of_the_skipped_baseline_names_115() {
    let base = examples().join("skipped-baseline");
    let (code, out) = schemasim(&[
        "drift",
        "--format",
        "json",
        "--against",
        base.join("production.sql").to_str().unwrap(),
        base.join("migrations").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid json");
    let absent: Vec<&str> = v["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] != "present")
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(absent, vec!["115_add_user_status"]);
    assert!(v["summary"]
        .as_str()
        .unwrap()
        .starts_with("production = state after 200_consolidated_baseline, except: 115_add_user_status's"));
}

#[test]
fn lint_flags_the_skipped_baseline_in_production_order() {
    let base = examples().join("skipped-baseline");
    let applied = std::fs::read_to_string(base.join("production-applied.txt")).unwrap();
    let files: Vec<String> = applied
        .lines()
        .map(str::trim)
        .filter(|l| l.ends_with(".sql"))
        .map(|l| base.join("migrations").join(l.rsplit('/').next().unwrap()).display().to_string())
        .collect();
    let mut args = vec!["lint"];
    args.extend(files.iter().map(String::as_str));
    let (code, out) = schemasim(&args);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("200_consolidated_baseline.sql:7:1: error SS001 [if-not-exists-skips-definition]"), "{out}");
    assert!(out.contains("column status of table public.users is declared"), "{out}");
    // In the repository's order 115 ran first, and the skipped definition matches.
    let (_, out) = schemasim(&["lint", base.join("migrations").to_str().unwrap()]);
    assert!(!out.contains("SS001"), "{out}");
}

#[test]
fn lint_json_lists_findings_and_rules() {
    let dir = examples().join("drift/migrations");
    let (code, out) = schemasim(&["lint", "--format", "json", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid json");
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["code"] == "SS102" && f["migration"] == "003_create_notifications"));
    assert!(v["rules"].as_array().unwrap().iter().any(|r| r["code"] == "SS001"));
}

#[test]
fn check_queries_against_a_step() {
    let base = examples().join("skipped-baseline");
    let query = base.join("queries/admin_add_customer.sql");
    let dir = base.join("migrations");
    let (code, out) = schemasim(&["check", "--queries", query.to_str().unwrap(), "--at", "058", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ERROR 42703: column \"status\" of relation \"users\" does not exist"), "{out}");
    let (code, out) = schemasim(&["check", "--queries", query.to_str().unwrap(), dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let tables = examples().join("missing-tables");
    let (code, out) = schemasim(&[
        "check",
        "--queries",
        tables.join("queries/admin_api.sql").to_str().unwrap(),
        tables.join("migrations").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.matches("ERROR 42P01: relation \"user_invitations\" does not exist").count(), 2, "{out}");
    assert_eq!(out.matches("ERROR 42P01: relation \"pending_signup_queue\" does not exist").count(), 2, "{out}");
}

#[test]
fn audit_reports_what_the_reference_queries_find() {
    let dir = examples().join("audit/migrations");
    let (code, out) = schemasim(&["audit", "--format", "json", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid json");
    let a = &v["audit"];
    let unindexed: Vec<&str> = a["foreign_keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["indexed"] == false)
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(unindexed.len(), 12, "{unindexed:?}");
    assert!(unindexed.contains(&"leads_tenant_id_fkey"));
    assert_eq!(a["security_definer_without_search_path"][0], "identity.find_user_for_login(text, text)");
    assert_eq!(a["tables"].as_array().unwrap().len(), 13);
    assert_eq!(a["enums"].as_array().unwrap().len(), 4);
    let partly = a["rls"]["partly_covered_schemas"].as_array().unwrap();
    assert!(partly.iter().any(|t| t == "identity.sessions") && partly.iter().any(|t| t == "core.audit_log"));
    for (format, marker) in
        [("text", "== Foreign keys without a supporting index"), ("md", "## Enums"), ("html", "<h2>Enums</h2>")]
    {
        let (code, out) = schemasim(&["audit", "--format", format, "--at", "004", dir.to_str().unwrap()]);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains(marker), "{format}: {out}");
        assert!(out.contains("schema after 004_lead"), "{format}: {out}");
    }
}

#[test]
fn drift_reads_a_dump_with_owners() {
    // examples/audit/production.sql: plain pg_dump --schema-only (owners kept) of PostgreSQL 17
    // after 001-005 and 007, with lead.leads_tenant_status_idx dropped by hand.
    let base = examples().join("audit");
    let (code, out) = schemasim(&[
        "drift",
        "--against",
        base.join("production.sql").to_str().unwrap(),
        base.join("migrations").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("ERROR"), "{out}");
    assert!(out.contains("ABSENT  006_core_audit_log"), "{out}");
    assert!(out.contains("PARTLY  004_lead\n           missing: index lead.leads_tenant_status_idx"), "{out}");
    assert!(out.contains("- missing in production: table core.audit_log  (006_core_audit_log)"), "{out}");
    assert_eq!(out.matches("present  ").count(), 5, "{out}");
}

#[test]
fn queries_against_a_production_dump() {
    let base = examples().join("missing-tables");
    let (code, out) = schemasim(&[
        "check",
        "--queries",
        base.join("queries/admin_api.sql").to_str().unwrap(),
        base.join("production.sql").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("5 queries checked against the schema after production: 0 failed"), "{out}");
}

#[test]
fn drift_compares_grants_when_the_dump_has_them() {
    // crates/cli/tests/data/grants: a real PostgreSQL 17 dump with privileges (see its README).
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/grants");
    let (code, out) = schemasim(&[
        "drift",
        "--format",
        "json",
        "--against",
        base.join("production.sql").to_str().unwrap(),
        base.join("migrations").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid json");
    assert_eq!(v["grants_compared"], true);
    let d = v["differences"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{out}");
    assert_eq!(d[0]["object"], "grants on table public.report_rows");
    assert_eq!(d[0]["production"], "INSERT, SELECT TO reporting");
    assert_eq!(d[0]["migration"], "002_report_rows");
}
