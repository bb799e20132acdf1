//! Tests of the role statements in `ddl::misc` (GRANT role, ALTER ROLE, DROP ROLE, SET ROLE),
//! with the outcomes PostgreSQL 17 gives.

use crate::ddl::misc;
use crate::error::PgResult;
use crate::session::{Ctx, Effects};
use pg_query::NodeEnum;
use schemasim_catalog::Catalog;

/// Runs role statements against `catalog`, returning the last one's result and its notices.
fn run(catalog: &mut Catalog, sql: &str) -> (PgResult<()>, Vec<String>) {
    let mut search_path = vec!["\"$user\"".to_string(), "public".to_string()];
    let mut effects = Effects::default();
    let mut enums = Vec::new();
    let mut result = Ok(());
    for stmt in pg_query::parse(sql).expect("parses").protobuf.stmts {
        let node = stmt.stmt.and_then(|s| s.node).expect("statement");
        let mut ctx = Ctx {
            catalog: catalog.clone(),
            search_path: &mut search_path,
            effects: &mut effects,
            source: sql,
            in_block: false,
            new_enum_values: &mut enums,
            check_function_bodies: true,
        };
        result = match &node {
            NodeEnum::CreateRoleStmt(s) => misc::create_role(&mut ctx, s),
            NodeEnum::GrantRoleStmt(s) => misc::grant_role(&mut ctx, s),
            NodeEnum::AlterRoleStmt(s) => misc::alter_role(&mut ctx, s),
            NodeEnum::AlterRoleSetStmt(s) => misc::alter_role_set(&mut ctx, s),
            NodeEnum::DropRoleStmt(s) => misc::drop_role(&mut ctx, s),
            NodeEnum::VariableSetStmt(s) => misc::set_role(&mut ctx, s),
            NodeEnum::CreateSchemaStmt(s) => misc::create_schema(&mut ctx, s).map(|_| ()),
            NodeEnum::GrantStmt(s) => misc::grant(&mut ctx, s),
            other => panic!("unexpected statement {other:?}"),
        };
        if result.is_ok() {
            *catalog = ctx.catalog;
        }
    }
    (result, effects.notices.iter().map(|n| format!("{}: {}", n.severity, n.message)).collect())
}

fn error(r: PgResult<()>) -> String {
    match r {
        Ok(()) => "ok".into(),
        Err(e) => format!("ERROR {}: {}", e.sqlstate, e.message),
    }
}

#[test]
fn role_membership() {
    let mut c = Catalog::new();
    assert!(run(&mut c, "CREATE ROLE anon; CREATE ROLE authenticator").0.is_ok());
    assert_eq!(error(run(&mut c, "GRANT nosuch TO anon").0), "ERROR 42704: role \"nosuch\" does not exist");
    assert_eq!(error(run(&mut c, "GRANT anon TO nosuch").0), "ERROR 42704: role \"nosuch\" does not exist");
    assert_eq!(run(&mut c, "GRANT anon TO authenticator"), (Ok(()), vec![]));
    assert_eq!(c.roles.get("authenticator").map(|r| r.member_of.clone()), Some(vec!["anon".to_string()]));
    assert_eq!(
        run(&mut c, "GRANT anon TO authenticator").1,
        vec![
            "NOTICE: role \"authenticator\" has already been granted membership in role \"anon\" by role \"postgres\""
        ]
    );
    assert_eq!(error(run(&mut c, "GRANT anon TO anon").0), "ERROR 0LP01: role \"anon\" is a member of role \"anon\"");
    assert_eq!(error(run(&mut c, "GRANT postgres TO authenticator").0), "ok");
    assert_eq!(error(run(&mut c, "GRANT pg_read_all_data TO anon").0), "ok");
    assert_eq!(run(&mut c, "REVOKE anon FROM authenticator"), (Ok(()), vec![]));
    assert_eq!(
        run(&mut c, "REVOKE anon FROM authenticator").1,
        vec!["WARNING: role \"authenticator\" has not been granted membership in role \"anon\" by role \"postgres\""]
    );
}

#[test]
fn alter_drop_and_set_role() {
    let mut c = Catalog::new();
    assert!(run(&mut c, "CREATE ROLE anon NOLOGIN").0.is_ok());
    assert_eq!(error(run(&mut c, "ALTER ROLE nosuch NOLOGIN").0), "ERROR 42704: role \"nosuch\" does not exist");
    assert_eq!(error(run(&mut c, "ALTER ROLE anon LOGIN").0), "ok");
    assert_eq!(c.roles.get("anon").map(|r| r.login), Some(true));
    assert_eq!(
        error(run(&mut c, "ALTER USER nosuch SET search_path = 'x'").0),
        "ERROR 42704: role \"nosuch\" does not exist"
    );
    assert_eq!(error(run(&mut c, "ALTER ROLE anon SET search_path = 'x'").0), "ok");
    assert_eq!(error(run(&mut c, "SET ROLE nosuch").0), "ERROR 22023: role \"nosuch\" does not exist");
    assert_eq!(error(run(&mut c, "SET ROLE anon").0), "ok");
    assert_eq!(error(run(&mut c, "SET ROLE NONE").0), "ok");
    assert_eq!(error(run(&mut c, "DROP ROLE nosuch").0), "ERROR 42704: role \"nosuch\" does not exist");
    assert_eq!(
        run(&mut c, "DROP ROLE IF EXISTS nosuch, nosuch2").1,
        vec!["NOTICE: role \"nosuch\" does not exist, skipping", "NOTICE: role \"nosuch2\" does not exist, skipping"]
    );
    assert!(run(&mut c, "CREATE SCHEMA app; GRANT USAGE ON SCHEMA app TO anon").0.is_ok());
    assert_eq!(
        error(run(&mut c, "DROP ROLE anon").0),
        "ERROR 2BP01: role \"anon\" cannot be dropped because some objects depend on it"
    );
    assert!(run(&mut c, "CREATE ROLE tmp").0.is_ok());
    assert_eq!(error(run(&mut c, "DROP ROLE tmp").0), "ok");
    assert!(!c.roles.contains_key("tmp"));
}
