//! schemasim for JavaScript (wasm-bindgen): replay PostgreSQL 17 migrations, dump the schema,
//! diff two states and check the down migrations, in Node or a browser.
//!
//! Inputs and outputs are plain JavaScript objects (serde-wasm-bindgen), typed by the
//! TypeScript declarations below. A malformed input throws a JS `Error` saying which value is
//! wrong (`migrations[1]: missing field \`sql\``); a SQL error is never thrown: it is reported
//! in the result, as PostgreSQL reports it. Positions are in UTF-16 code units (JavaScript
//! string indices). The conversions live in [`api`], plain Rust that native tests cover.

pub mod api;
pub mod position;

use api::{Fields, MigrationInput, ReplayOptionsInput, RollbackOptionsInput, StateInput, StepInput};
use js_sys::{Array, Object, Reflect};
use schemasim_engine::Migration;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** One migration file. */
export interface MigrationInput {
  /** Shown in reports and used by `diff` to name a state; defaults to `path`, else `migration N` (1-based). */
  name?: string;
  /** Where it came from (`migrations/004_add_status.sql`); defaults to `name`. */
  path?: string;
  /** The file's SQL. */
  sql: string;
  /** Run the whole file in one transaction (Diesel, Flyway, golang-migrate, `psql --single-transaction`).
   * Default false: each statement autocommits, as `psql -f` runs a file. */
  transaction?: boolean;
}

/** Migrations in order, or one SQL text (a single migration named `migration.sql`). */
export type Migrations = string | MigrationInput[];

export interface ReplayOptions {
  /** `"stop"` (default): the first failing migration stops the replay, later ones are skipped.
   * `"continue"`: each migration still runs after a failed one. */
  onError?: "stop" | "continue";
  /** Initial search_path, as `PGOPTIONS='-c search_path=...'` would set it. */
  searchPath?: string;
}

export interface RollbackOptions {
  searchPath?: string;
}

/** A 1-based line and column and a 0-based offset, in UTF-16 code units (JavaScript string indices). */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

export type Outcome = "ok" | "error" | "skipped";

export interface Notice {
  severity: "NOTICE" | "WARNING";
  message: string;
}

/** Something PostgreSQL would do that the simulator does not model. */
export interface SimulatorWarning {
  message: string;
}

export interface StatementReport {
  /** Where the statement starts (its first token, after comments). */
  line: number;
  column: number;
  offset: number;
  /** Length of the statement without its `;`: `sql.slice(offset, offset + length)`. */
  length: number;
  outcome: Outcome;
  /** On error: PostgreSQL's SQLSTATE, message, detail and hint, word for word. */
  sqlstate?: string;
  message?: string;
  detail?: string;
  hint?: string;
  /** PostgreSQL's error cursor, when it reports one. */
  errorPosition?: Position;
  notices: Notice[];
  warnings: SimulatorWarning[];
}

export interface MigrationReport {
  name: string;
  path: string;
  outcome: Outcome;
  statements: StatementReport[];
}

/** A failing statement, at PostgreSQL's error cursor when it has one, else at the statement's start. */
export interface ReplayError {
  migration: string;
  path: string;
  /** 0-based index of the statement in its migration. */
  statement: number;
  line: number;
  column: number;
  offset: number;
  sqlstate: string;
  message: string;
  detail?: string;
  hint?: string;
}

export interface ReplayResult {
  /** No statement failed. */
  ok: boolean;
  migrations: MigrationReport[];
  errors: ReplayError[];
  /** The final schema as SQL, pg_dump style. */
  dump: string;
}

/** A state of a history: the number of migrations applied (0 = empty database), or a migration's name or path
 * (the state after it). */
export type State = number | string;

export interface Change {
  /** The object as PostgreSQL names it: `column email of table public.users`. */
  object: string;
  kind: "added" | "removed" | "changed";
  /** Its DDL before and after. */
  before?: string;
  after?: string;
  /** Only a difference of order (column order, reordered lines). */
  orderOnly: boolean;
}

export interface DiffResult {
  changes: Change[];
  /** Failing statements of the replays the states come from. */
  errors: ReplayError[];
}

/** A migration with its down migration. The down's name defaults to `<up name> (down)`, its transaction
 * mode to the up's. */
export interface RollbackStep {
  up: MigrationInput;
  down?: MigrationInput | null;
}

export type DownOutcome =
  | { status: "missing" }
  | { status: "upFailed"; sqlstate: string; message: string }
  | { status: "ok" }
  | { status: "failed"; path: string; line: number; column: number; offset: number; sqlstate: string; message: string };

export interface StepRollback {
  name: string;
  down: DownOutcome;
  /** Differences between the schema before the up and after up + down. */
  residue: Change[];
  orderOnly: boolean;
  /** Whether the up succeeds again after the down; null when the down did not succeed. */
  redoOk: boolean | null;
  redoError?: { sqlstate: string; message: string };
  /** `table t` / `column c of table t` that the down drops although they existed before the up: data lost. */
  destroys: string[];
}

export interface FullRollback {
  /** Every down, last migration first. */
  downs: { name: string; down: DownOutcome }[];
  /** Differences between the empty start and the schema after every down. */
  residue: Change[];
  orderOnly: boolean;
  /** The schema after every down, as SQL. */
  dump: string;
}

export interface RollbackReport {
  /** Every down succeeds, restores its step's schema and allows the redo, and the full rollback is clean. */
  ok: boolean;
  steps: StepRollback[];
  full: FullRollback;
}
"#;

/// Logs a Rust panic (an engine bug) to the console before the module traps.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn install_panic_hook() {
    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = console, js_name = error)]
        fn console_error(message: &str);
    }
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            console_error(&format!("schemasim: internal error (please report it): {info}"));
            previous(info);
        }))
    });
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn install_panic_hook() {}

fn type_of(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else if Array::is_array(value) {
        "an array".into()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}

/// The text of a serde-wasm-bindgen error (it wraps a JS `Error`, whose `toString` adds `Error: `).
fn serde_message(e: serde_wasm_bindgen::Error) -> String {
    let v = JsValue::from(e);
    match v.dyn_ref::<js_sys::Error>() {
        Some(e) => e.message().into(),
        None => v.as_string().unwrap_or_else(|| format!("{v:?}")),
    }
}

/// Deserializes an input object, rejecting fields it does not have (a misspelled option).
fn from_js<T: DeserializeOwned + Fields>(value: JsValue, what: &str) -> Result<T, JsError> {
    if value.is_object() && !Array::is_array(&value) {
        for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !T::FIELDS.contains(&key.as_str()) {
                return Err(JsError::new(&format!("{what}: {}", api::unknown_field(&key, T::FIELDS))));
            }
        }
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("{what}: {}", serde_message(e))))
}

fn optional<T: DeserializeOwned + Default + Fields>(value: Option<JsValue>, what: &str) -> Result<T, JsError> {
    match value {
        Some(v) if !v.is_undefined() && !v.is_null() => {
            if !v.is_object() || Array::is_array(&v) {
                return Err(JsError::new(&format!("{what}: expected an object, got {}", type_of(&v))));
            }
            from_js(v, what)
        }
        _ => Ok(T::default()),
    }
}

fn elements(value: JsValue, what: &str, expected: &str) -> Result<Vec<JsValue>, JsError> {
    if !Array::is_array(&value) {
        return Err(JsError::new(&format!("{what}: expected {expected}, got {}", type_of(&value))));
    }
    Ok(Array::from(&value).iter().collect())
}

fn migrations(value: JsValue, what: &str) -> Result<Vec<Migration>, JsError> {
    if let Some(sql) = value.as_string() {
        return Ok(api::single_migration(sql));
    }
    let inputs = elements(value, what, "an array of migrations ({ name, sql }) or an SQL string")?
        .into_iter()
        .enumerate()
        .map(|(i, m)| from_js::<MigrationInput>(m, &format!("{what}[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(api::migrations(inputs))
}

fn steps(value: JsValue) -> Result<Vec<schemasim_engine::Step>, JsError> {
    let mut inputs = Vec::new();
    for (i, step) in elements(value, "steps", "an array of { up, down } objects")?.into_iter().enumerate() {
        let what = format!("steps[{i}]");
        if step.is_object() && !Array::is_array(&step) {
            // Check the up and the down first, to say which one is wrong.
            for part in ["up", "down"] {
                let v = Reflect::get(&step, &part.into()).unwrap_or(JsValue::UNDEFINED);
                if v.is_undefined() || (part == "down" && v.is_null()) {
                    continue;
                }
                from_js::<MigrationInput>(v, &format!("{what}.{part}"))?;
            }
        }
        inputs.push(from_js::<StepInput>(step, &what)?);
    }
    Ok(api::steps(inputs))
}

fn state(value: JsValue, what: &str) -> Result<StateInput, JsError> {
    if let Some(n) = value.as_f64() {
        Ok(StateInput::Count(n))
    } else if let Some(s) = value.as_string() {
        Ok(StateInput::Name(s))
    } else {
        Err(JsError::new(&format!(
            "{what}: expected a number of migrations or a migration's name, got {}",
            type_of(&value)
        )))
    }
}

fn to_js(value: &impl Serialize) -> Result<JsValue, JsError> {
    // `null` for absent values that are not skipped (redoOk), plain objects throughout.
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    value.serialize(&serializer).map_err(|e| JsError::new(&format!("cannot return the result: {}", serde_message(e))))
}

/// Replays the migrations in order on an empty PostgreSQL 17 database and reports every
/// statement's outcome, with the final schema.
#[wasm_bindgen(unchecked_return_type = "ReplayResult")]
pub fn replay(
    #[wasm_bindgen(unchecked_param_type = "Migrations")] migrations: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ReplayOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    install_panic_hook();
    let migrations = self::migrations(migrations, "migrations")?;
    let options: ReplayOptionsInput = optional(options, "options")?;
    to_js(&api::replay(&migrations, &options))
}

/// The schema after replaying the migrations, as SQL (pg_dump style). Failed statements are
/// reported by `replay`, not here: this is the schema as the replay left it.
#[wasm_bindgen]
pub fn dump(
    #[wasm_bindgen(unchecked_param_type = "Migrations")] migrations: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ReplayOptions")] options: Option<JsValue>,
) -> Result<String, JsError> {
    install_panic_hook();
    let migrations = self::migrations(migrations, "migrations")?;
    let options: ReplayOptionsInput = optional(options, "options")?;
    Ok(api::dump(&migrations, &options))
}

/// What changed between two states of one history: `from` and `to` are numbers of migrations
/// applied (0 = the empty database) or migration names.
#[wasm_bindgen(unchecked_return_type = "DiffResult")]
pub fn diff(
    #[wasm_bindgen(unchecked_param_type = "Migrations")] migrations: JsValue,
    #[wasm_bindgen(unchecked_param_type = "State")] from: JsValue,
    #[wasm_bindgen(unchecked_param_type = "State")] to: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ReplayOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    install_panic_hook();
    let migrations = self::migrations(migrations, "migrations")?;
    let (from, to) = (state(from, "from")?, state(to, "to")?);
    let options: ReplayOptionsInput = optional(options, "options")?;
    to_js(&api::diff(&migrations, &from, &to, &options).map_err(|e| JsError::new(&e))?)
}

/// What changed from the final schema of one history to the final schema of another (e.g. the
/// migrations against a desired schema file).
#[wasm_bindgen(js_name = diffSchemas, unchecked_return_type = "DiffResult")]
pub fn diff_schemas(
    #[wasm_bindgen(unchecked_param_type = "Migrations")] from: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Migrations")] to: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ReplayOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    install_panic_hook();
    let (from, to) = (migrations(from, "from")?, migrations(to, "to")?);
    let options: ReplayOptionsInput = optional(options, "options")?;
    to_js(&api::diff_schemas(&from, &to, &options))
}

/// Checks every down migration: does it fail, leave residue, destroy data, allow the redo; and
/// the full rollback (every down, last first) back to the empty database.
#[wasm_bindgen(js_name = rollbackCheck, unchecked_return_type = "RollbackReport")]
pub fn rollback_check(
    #[wasm_bindgen(unchecked_param_type = "RollbackStep[]")] steps: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RollbackOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    install_panic_hook();
    let steps = self::steps(steps)?;
    let options: RollbackOptionsInput = optional(options, "options")?;
    to_js(&api::rollback_check(&steps, &options))
}

/// schemasim's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The PostgreSQL major version simulated.
#[wasm_bindgen(js_name = postgresVersion)]
pub fn postgres_version() -> u32 {
    17
}
