// Type-checked (tsc --strict --noEmit) against the generated declarations by
// scripts/test-wasm-api.sh, which copies this file next to the built `web` package.
import {
  diff,
  diffSchemas,
  dump,
  postgresVersion,
  replay,
  rollbackCheck,
  version,
  type DiffResult,
  type DownOutcome,
  type MigrationInput,
  type ReplayResult,
  type RollbackReport,
} from "../web/schemasim_wasm.js";

const migrations: MigrationInput[] = [{ name: "001", sql: "CREATE TABLE t (id int);", transaction: true }];
const result: ReplayResult = replay(migrations, { onError: "continue", searchPath: "public" });
const sqlstate: string | undefined = result.migrations[0].statements[0].sqlstate;
const line: number | undefined = result.migrations[0].statements[0].errorPosition?.line;
const text: string = dump("CREATE TABLE t (id int);");
const changes: DiffResult = diff(migrations, 0, "001");
const schemas: DiffResult = diffSchemas(migrations, "CREATE TABLE t (id bigint);");
const report: RollbackReport = rollbackCheck([{ up: migrations[0], down: null }, { up: migrations[0] }]);
const redo: boolean | null = report.steps[0].redoOk;
const v: string = version();
const pg: number = postgresVersion();

function describe(d: DownOutcome): string {
  switch (d.status) {
    case "failed":
      return `${d.path}:${d.line}:${d.column}: ${d.sqlstate} ${d.message}`;
    case "upFailed":
      return d.sqlstate;
    case "ok":
    case "missing":
      return d.status;
  }
}

// The declarations are precise, not `any`:
// @ts-expect-error onError is "stop" | "continue"
replay(migrations, { onError: "abort" });
// @ts-expect-error sql is required
replay([{ name: "no sql" }]);
// @ts-expect-error a state is a number or a name
diff(migrations, true, 1);
// @ts-expect-error rollbackCheck returns a RollbackReport
const wrong: ReplayResult = rollbackCheck([]);
// @ts-expect-error no such field
result.migrations[0].statements[0].sqlState;

export { sqlstate, line, text, changes, schemas, redo, v, pg, describe, wrong };
