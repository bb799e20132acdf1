//! The JavaScript API through wasm-bindgen, in Node (default) and headless Chromium
//! (`WASM_BINDGEN_USE_BROWSER=1`): see scripts/test-wasm-api.sh.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use js_sys::{Error, JSON};
use schemasim_wasm::{diff, diff_schemas, dump, replay, rollback_check, version};
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsError, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// A JS value from JSON text, as a JavaScript caller would build it.
fn js(json: Value) -> JsValue {
    JSON::parse(&json.to_string()).expect("valid JSON")
}

fn value(v: Result<JsValue, JsError>) -> Value {
    let v = v.unwrap_or_else(|e| panic!("threw: {}", message::<()>(Err(e))));
    serde_wasm_bindgen::from_value(v).expect("a JSON-like result")
}

/// The message of the JS `Error` a call threw.
#[track_caller]
fn message<T>(r: Result<T, JsError>) -> String {
    match r {
        Ok(_) => panic!("expected a thrown Error"),
        Err(e) => {
            let v = JsValue::from(e);
            assert!(v.is_instance_of::<Error>(), "not an Error: {v:?}");
            Error::from(v).message().into()
        }
    }
}

#[wasm_bindgen_test]
fn replay_reports_a_missing_table() {
    let r = value(replay(
        js(json!([
            { "name": "001_init", "sql": "CREATE TABLE accounts (id int);" },
            { "name": "002_users", "path": "db/002_users.sql", "sql": "-- add x\nALTER TABLE users ADD COLUMN x int;" },
            { "name": "003_more", "sql": "CREATE TABLE more (id int);" }
        ])),
        None,
    ));
    assert_eq!(r["ok"], false);
    assert_eq!(r["migrations"][0]["outcome"], "ok");
    assert_eq!(r["migrations"][1]["outcome"], "error");
    assert_eq!(r["migrations"][2]["outcome"], "skipped");
    let s = &r["migrations"][1]["statements"][0];
    assert_eq!(s["sqlstate"], "42P01");
    assert_eq!(s["message"], "relation \"users\" does not exist");
    assert_eq!((&s["line"], &s["column"], &s["offset"]), (&json!(2), &json!(1), &json!(9)));
    assert_eq!(
        r["errors"],
        json!([{ "migration": "002_users", "path": "db/002_users.sql", "statement": 0, "line": 2, "column": 1,
                 "offset": 9, "sqlstate": "42P01", "message": "relation \"users\" does not exist" }])
    );
    assert!(r["dump"].as_str().unwrap().contains("CREATE TABLE public.accounts"));
}

#[wasm_bindgen_test]
fn syntax_error_has_its_position() {
    let r = value(replay(JsValue::from_str("CREATE TABLE t (id int);\nCREATE TABLE u (id int,);"), None));
    let e = &r["errors"][0];
    assert_eq!(e["sqlstate"], "42601");
    assert_eq!(e["message"], "syntax error at or near \")\"");
    assert_eq!((&e["line"], &e["column"], &e["offset"]), (&json!(2), &json!(24), &json!(48)));
    assert_eq!(r["migrations"][0]["statements"][1]["errorPosition"], json!({ "line": 2, "column": 24, "offset": 48 }));
}

#[wasm_bindgen_test]
fn notices_and_options() {
    let sql = "DROP TABLE IF EXISTS nope; CREATE SCHEMA app; CREATE TABLE t (id int);";
    let r = value(replay(js(json!([{ "sql": sql }])), Some(js(json!({ "searchPath": "app", "onError": "continue" })))));
    assert_eq!(r["ok"], true);
    let notices = &r["migrations"][0]["statements"][0]["notices"];
    assert_eq!(notices, &json!([{ "severity": "NOTICE", "message": "table \"nope\" does not exist, skipping" }]));
    assert!(r["dump"].as_str().unwrap().contains("CREATE TABLE app.t"), "{}", r["dump"]);
}

#[wasm_bindgen_test]
fn dump_is_sql() {
    let out = dump(
        js(json!([{ "sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);", "transaction": true }])),
        None,
    )
    .map_err(|e| message(Err::<(), _>(e)))
    .unwrap();
    assert!(out.contains("CREATE TABLE public.users ("), "{out}");
    assert!(out.contains("email text NOT NULL"), "{out}");
}

#[wasm_bindgen_test]
fn diff_between_two_states() {
    let history = json!([
        { "name": "001_users", "sql": "CREATE TABLE users (id int);" },
        { "name": "002_email", "sql": "ALTER TABLE users ADD COLUMN email text;" }
    ]);
    let r = value(diff(js(history.clone()), JsValue::from_str("001_users"), JsValue::from_f64(2.0), None));
    assert_eq!(r["errors"], json!([]));
    let changes = r["changes"].as_array().unwrap();
    let email = changes.iter().find(|c| c["object"] == "column email of table public.users").unwrap();
    assert_eq!(
        email,
        &json!({ "object": "column email of table public.users", "kind": "added", "after": "email text",
                               "orderOnly": false })
    );

    let m = message(diff(js(history.clone()), JsValue::from_f64(0.0), JsValue::from_f64(7.0), None));
    assert!(m.starts_with("to: 7 is not a state of this history"), "{m}");
    let m = message(diff(js(history), JsValue::NULL, JsValue::from_f64(1.0), None));
    assert_eq!(m, "from: expected a number of migrations or a migration's name, got null");

    let r = value(diff_schemas(
        JsValue::from_str("CREATE TABLE users (id int);"),
        JsValue::from_str("CREATE TABLE users (id bigint);"),
        None,
    ));
    assert_eq!(r["changes"][0]["kind"], "changed");
}

#[wasm_bindgen_test]
fn rollback_check_with_a_failing_down() {
    let r = value(rollback_check(
        js(json!([
            { "up": { "name": "001", "sql": "CREATE TABLE a (id int);" }, "down": { "sql": "DROP TABLE a;" } },
            { "up": { "name": "002", "sql": "CREATE TABLE b (id int);" }, "down": { "sql": "DROP TABLE bb;" } },
            { "up": { "name": "003", "sql": "CREATE TABLE c (id int);" } }
        ])),
        None,
    ));
    assert_eq!(r["ok"], false);
    assert_eq!(r["steps"][0]["down"], json!({ "status": "ok" }));
    assert_eq!(r["steps"][0]["redoOk"], true);
    assert_eq!(r["steps"][1]["down"]["status"], "failed");
    assert_eq!(r["steps"][1]["down"]["sqlstate"], "42P01");
    assert_eq!(r["steps"][1]["down"]["path"], "002 (down)");
    assert_eq!(r["steps"][1]["redoOk"], Value::Null);
    assert_eq!(r["steps"][2]["down"], json!({ "status": "missing" }));
    assert_eq!(r["full"]["downs"][0]["name"], "002");
    assert!(r["full"]["dump"].as_str().unwrap().contains("public.c"));
}

#[wasm_bindgen_test]
fn malformed_inputs_throw_errors() {
    let m = message(replay(js(json!([{ "name": "a" }])), None));
    assert_eq!(m, "migrations[0]: missing field `sql`");
    let m = message(replay(js(json!([{ "sql": "" }, { "sql": 5 }])), None));
    assert!(m.starts_with("migrations[1]: invalid type: "), "{m}");
    let m = message(replay(js(json!([{ "sql": "", "transation": true }])), None));
    assert_eq!(m, "migrations[0]: unknown field `transation`, expected one of `name`, `path`, `sql`, `transaction`");
    let m = message(replay(JsValue::from_f64(3.0), None));
    assert_eq!(m, "migrations: expected an array of migrations ({ name, sql }) or an SQL string, got number");
    let m = message(replay(JsValue::UNDEFINED, None));
    assert!(m.ends_with("got undefined"), "{m}");
    let m = message(replay(js(json!([])), Some(js(json!({ "onError": "abort" })))));
    assert_eq!(m, "options: unknown variant `abort`, expected `stop` or `continue`");
    let m = message(replay(js(json!([])), Some(JsValue::from_str("stop"))));
    assert_eq!(m, "options: expected an object, got string");
    let m = message(rollback_check(js(json!([{ "up": { "sql": "" }, "down": { "sq": "" } }])), None));
    assert!(m.starts_with("steps[0].down: unknown field `sq`"), "{m}");
    let m = message(rollback_check(js(json!([{ "up": { "sql": "" } }])), Some(js(json!({ "onError": "stop" })))));
    assert_eq!(m, "options: unknown field `onError`, expected `searchPath`");
    let m = message(rollback_check(js(json!([{ "down": { "sql": "" } }])), None));
    assert_eq!(m, "steps[0]: missing field `up`");
    let m = message(rollback_check(js(json!([{ "up": null }])), None));
    assert!(m.starts_with("steps[0].up: invalid type: "), "{m}");
    let m = message(rollback_check(js(json!([{ "up": { "sql": "" }, "dwon": null }])), None));
    assert_eq!(m, "steps[0]: unknown field `dwon`, expected `up` or `down`");
    let m = message(replay(js(json!([null])), None));
    assert!(m.starts_with("migrations[0]: invalid type: "), "{m}");
    let m = message(rollback_check(js(json!({ "up": {} })), None));
    assert_eq!(m, "steps: expected an array of { up, down } objects, got object");
    // The module still works after every error.
    assert_eq!(value(replay(JsValue::from_str("SELECT 1;"), None))["ok"], true);
}

#[wasm_bindgen_test]
fn many_errors_in_a_row_do_not_trap() {
    for i in 0..200 {
        let r = value(replay(JsValue::from_str(&format!("CREATE TABLE t{i} (;")), None));
        assert_eq!(r["errors"][0]["sqlstate"], "42601");
    }
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}
