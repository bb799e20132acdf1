// End-to-end test of dropping a real folder from disk on the project list, in headless Chromium
// (Debian's /usr/bin/chromium) driven by playwright-core. Run by `cargo xtask e2e` like
// app.test.mjs (SCHEMASIM_URL, SCHEMASIM_SCREENSHOTS, harness.mjs); its own browser.
//
// Playwright cannot synthesise a directory drop (a DataTransfer built in the page only holds
// File objects, whose webkitGetAsEntry() is null). The DevTools protocol can: a drag dispatched
// with Input.dispatchDragEvent and filesystem paths in `data.files` goes through the browser's
// real drop path, which registers the paths in an isolated file system, so a directory path
// arrives as a FileSystemDirectoryEntry that the app walks with readEntries() like a folder
// dragged from a file manager. The tests check that precondition first (so a Chromium that stops
// doing this fails as "the harness", not as "the app"), then what the app made of the folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { URL, launchChromium, shot } from './harness.mjs';

const EXAMPLES = new globalThis.URL('../../examples/', import.meta.url).pathname;

let browser;
let scratch;
before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'schemasim-folder-drop-'));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function openApp() {
  const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(URL);
  await page.getByTestId('replay-done').waitFor({ timeout: 60_000 });
  return { context, page, errors };
}


// Every file under `dir`, as `/`-separated paths relative to it, sorted.
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath ?? d.path, d.name)).split(sep).join('/'))
    .sort();
}

// Drops the folder at `path` (absolute, on this machine's disk) on the project list, as a drag
// from a file manager: dragEnter, dragOver, drop through the DevTools protocol. Returns what the
// page saw in the drop event's items (recorded by a capturing listener, before the app's own).
async function dropFolder(context, page, path) {
  await page.evaluate(() => {
    window.addEventListener('drop', (e) => {
      window.schemasimDropped = [...e.dataTransfer.items].map((item) => {
        const entry = item.webkitGetAsEntry();
        return { kind: item.kind, entry: entry && { name: entry.name, isDirectory: entry.isDirectory, fullPath: entry.fullPath } };
      });
    }, { capture: true, once: true });
  });
  const box = await page.locator('.project-head h2').boundingBox();
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await context.newCDPSession(page);
  const data = { items: [], files: [path], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
  await cdp.detach();
  const seen = await page.waitForFunction(() => window.schemasimDropped, null, { timeout: 10_000 }).catch(() => null);
  assert.ok(seen, 'the page received no drop event');
  return seen.jsonValue();
}

// The status line once the dropped files were opened (or could not be).
async function openedStatus(page) {
  const status = page.getByTestId('status').filter({ hasText: /^(Opened|Could not)/ });
  await status.waitFor({ timeout: 20_000 });
  return status.innerText();
}

const migrationRows = (page) => page.getByTestId('migration').evaluateAll((els) => els.map((e) => ({
  name: e.dataset.name, path: e.title, down: !!e.querySelector('.has-down'),
})));

test('dropping a real Diesel folder walks its subfolders and opens it as a project', { timeout: 60_000 }, async () => {
  // The role-model example under a name of its own: migrations/<version>_<name>/{up,down}.sql,
  // next to fixed/<one more Diesel folder>, queries/*.sql and non-SQL files.
  const folder = join(scratch, 'role-model-history');
  cpSync(join(EXAMPLES, 'role-enum-rls-rollback'), folder, { recursive: true });
  const files = filesUnder(folder);
  const steps = readdirSync(join(folder, 'migrations'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(folder, 'migrations', d.name, 'up.sql')))
    .map((d) => d.name)
    .sort();
  assert.ok(steps.length >= 2 && files.some((f) => f.startsWith('fixed/')), 'the example still has the expected shape');
  const expected = steps.map((name) => ({
    name, path: `migrations/${name}/up.sql`, down: existsSync(join(folder, 'migrations', name, 'down.sql')),
  }));
  const used = new Set(expected.flatMap((s) => [s.path, ...(s.down ? [s.path.replace(/up\.sql$/, 'down.sql')] : [])]));
  const ignored = files.filter((f) => f.endsWith('.sql') && !used.has(f));

  const { context, page, errors } = await openApp();
  const dropped = await dropFolder(context, page, folder);
  // The harness precondition: the drop carried one real directory entry.
  assert.deepEqual(dropped, [{ kind: 'file', entry: { name: 'role-model-history', isDirectory: true, fullPath: '/role-model-history' } }]);

  const text = await openedStatus(page);
  assert.ok(text.startsWith(`Opened ${files.length} files: Layout: diesel (${steps.length} migrations).`), text);
  // The project is named after the folder; its migrations are the folder's, paths relative to it.
  assert.equal(await page.locator('.project-head h2').innerText(), 'role-model-history');
  assert.deepEqual(await migrationRows(page), expected);
  await page.getByTestId('replay-done').filter({ hasText: `Replayed ${steps.length} migrations` }).waitFor({ timeout: 20_000 });
  // The SQL files outside the chosen base (fixed/, queries/) were found too, and set aside.
  for (const path of ignored) assert.ok(text.includes(path), `${path} listed as ignored in: ${text}`);
  // What the editor shows is the file's content.
  const last = expected.at(-1);
  await page.locator(`[data-testid=migration][data-name="${last.name}"]`).click();
  assert.equal(await page.getByTestId('sql-input').inputValue(), readFileSync(join(folder, last.path), 'utf8'));
  await page.getByTestId('replay-done').waitFor();
  await shot(page, '22-folder-drop');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a dropped folder is read to the end: readEntries answers in batches of 100', { timeout: 60_000 }, async () => {
  // 150 numbered files two levels down: Chromium's readEntries() returns them as 100 + 50.
  const folder = join(scratch, 'many-steps');
  mkdirSync(join(folder, 'db', 'migrations'), { recursive: true });
  const names = Array.from({ length: 150 }, (_, i) => `${String(i + 1).padStart(3, '0')}_create_t${i + 1}`);
  for (const name of names) writeFileSync(join(folder, 'db', 'migrations', `${name}.sql`), `CREATE TABLE ${name.slice(4)} (id int PRIMARY KEY);\n`);
  writeFileSync(join(folder, 'README.md'), 'not a migration\n');
  const files = filesUnder(folder);

  const { context, page, errors } = await openApp();
  const dropped = await dropFolder(context, page, folder);
  assert.equal(dropped[0]?.entry?.isDirectory, true);
  assert.equal(await openedStatus(page), `Opened ${files.length} files: Layout: plain-numbered (${names.length} migrations).`);
  assert.equal(await page.locator('.project-head h2').innerText(), 'many-steps');
  assert.deepEqual(await migrationRows(page), names.map((name) => ({ name, path: `db/migrations/${name}.sql`, down: false })));
  await page.getByTestId('replay-done').filter({ hasText: `Replayed ${names.length} migrations` }).waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('[data-testid=migration] [data-testid=badge]').filter({ hasText: /error|not run/ }).count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
