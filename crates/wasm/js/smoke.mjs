// Smoke test of the built npm packages with plain Node: the `nodejs` package through require,
// the `web` package through import + initSync. Usage: node smoke.mjs <dir with nodejs/ and web/>
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(process.argv[2] ?? "target/wasm-pkg");
const name = "schemasim_wasm";

function check(api, label) {
  const r = api.replay([
    { name: "001_init", sql: "CREATE TABLE accounts (id bigint PRIMARY KEY);" },
    { name: "002_users", sql: "ALTER TABLE users ADD COLUMN x int;" },
  ]);
  assert.equal(r.ok, false);
  assert.deepEqual(r.errors.map((e) => [e.migration, e.sqlstate, e.message]), [
    ["002_users", "42P01", 'relation "users" does not exist'],
  ]);
  assert.match(r.dump, /CREATE TABLE public\.accounts/);
  const sql = "SELECT 1;\nCREATE TABLE t (id int,);";
  const e = api.replay(sql).errors[0];
  assert.deepEqual([e.sqlstate, e.line, e.column, sql[e.offset]], ["42601", 2, 24, ")"]);
  assert.match(api.dump([{ sql: "CREATE TABLE t (id int);" }]), /CREATE TABLE public\.t/);
  const d = api.diff([{ name: "a", sql: "CREATE TABLE t (id int);" }], 0, "a");
  assert.ok(d.changes.some((c) => c.kind === "added" && c.object === "table public.t"), JSON.stringify(d));
  const rb = api.rollbackCheck([{ up: { name: "1", sql: "CREATE TABLE t (id int);" }, down: { sql: "DROP TABLE x;" } }]);
  assert.equal(rb.steps[0].down.status, "failed");
  assert.throws(() => api.replay([{ name: "no sql" }]), (err) => {
    assert.ok(err instanceof Error);
    assert.equal(err.message, "migrations[0]: missing field `sql`");
    return true;
  });
  assert.equal(api.replay("SELECT 1;").ok, true); // still usable after the throw
  assert.equal(typeof api.version(), "string");
  console.log(`smoke (${label}): ok, schemasim ${api.version()}, PostgreSQL ${api.postgresVersion()}`);
}

const require = createRequire(import.meta.url);
check(require(path.join(root, "nodejs", `${name}.js`)), "nodejs package, require");

const web = await import(pathToFileURL(path.join(root, "web", `${name}.js`)).href);
web.initSync({ module: readFileSync(path.join(root, "web", `${name}_bg.wasm`)) });
check(web, "web package, import + initSync");
