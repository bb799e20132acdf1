// End-to-end tests of the browser app in headless Chromium (Debian's /usr/bin/chromium),
// driven by playwright-core. Run by `cargo xtask e2e`, which builds the app, serves dist/ and
// sets SCHEMASIM_URL and SCHEMASIM_SCREENSHOTS. Each test starts from a fresh browser profile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { URL, launchChromium, shot } from './harness.mjs';

const CORPUS = process.env.SCHEMASIM_CORPUS ?? '../shared/corpus';
const STATUS_ERROR = 'column "status" of relation "users" does not exist';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => browser?.close());

// The workers' names (`replay`, `jobs`), as the app names them.
async function workerNames(workers) {
  return Promise.all(workers.map((w) => w.evaluate(() => self.name)));
}

async function workerNamed(workers, name) {
  const names = await workerNames(workers);
  const found = workers.filter((_, i) => names[i] === name);
  assert.equal(found.length, 1, `one ${name} worker among ${names}`);
  return found[0];
}

// A message the worker cannot understand makes it report a crash (as a panic does); the page
// starts a fresh one beside the other worker.
async function crashWorker(page, workers, name) {
  const worker = await workerNamed(workers, name);
  await worker.evaluate(() => self.onmessage(new MessageEvent('message', { data: 'not a request' })));
  for (let i = 0; i < 50 && workers.length < 3; i++) await page.waitForTimeout(100);
  assert.equal(workers.length, 3, `a fresh ${name} worker started`);
}

async function openApp() {
  const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // Nothing may be fetched from anywhere but the app's own origin.
  const origin = new globalThis.URL(URL).origin;
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url()); });
  // The analysis worker (the app's own module started again from a blob: URL).
  const workers = [];
  page.on('worker', (w) => workers.push(w));
  const started = Date.now();
  await page.goto(URL);
  await page.getByTestId('replay-done').waitFor({ timeout: 60_000 });
  return { context, page, errors, foreign, workers, loadMs: Date.now() - started };
}

const problemMessages = (page) => page.getByTestId('problem-message').allInnerTexts();

test('first screen tells the skipped-migration story with its error', async () => {
  const { context, page, errors, foreign, loadMs } = await openApp();
  console.log(`time to interactive (navigation to replay done): ${loadMs} ms`);
  await assert.doesNotReject(page.getByTestId('story').waitFor());
  const firstStep = await page.getByTestId('walkthrough-step').innerText();
  await page.getByTestId('walkthrough-next').click();
  assert.notEqual(await page.getByTestId('walkthrough-step').innerText(), firstStep);
  assert.ok((await problemMessages(page)).includes(STATUS_ERROR));
  const off = page.locator('[data-testid=migration].disabled');
  assert.match(await off.first().getAttribute('data-name'), /115/);
  await shot(page, '01-first-screen');

  // Scrub to the step before the app query: no error yet, the users table has no status column.
  const migrations = await page.getByTestId('migration').count();
  await page.getByTestId('timeline-range').fill(String(migrations - 1));
  assert.match(await page.getByTestId('timeline-label').innerText(), /after 115/);
  await page.getByTestId('tab-schema').click();
  const users = page.locator('[data-testid=table][data-name="public.users"]');
  await users.waitFor();
  assert.equal(await users.locator('[data-testid=column][data-name=status]').count(), 0);
  assert.ok(await users.locator('[data-testid=column][data-name=phone]').count() === 1);

  // Click the error: the timeline and the editor go to the statement, with a marker on its line.
  await page.getByTestId('tab-problems').click();
  await page.getByTestId('problem').filter({ hasText: STATUS_ERROR }).click();
  assert.match(await page.getByTestId('timeline-label').innerText(), new RegExp(`${migrations}/${migrations}: after app query`));
  await page.getByTestId('error-marker').first().waitFor();
  await shot(page, '02-error-in-editor');
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
  await context.close();
});

test('switching the skipped migration on, editing, and reloading', async () => {
  const { context, page, errors } = await openApp();
  // Turn 115 on: production as it should have been; the INSERT's error is gone.
  const m115 = page.locator('[data-testid=migration][data-name*="115"]');
  await m115.hover();
  await m115.getByTestId('toggle').click();
  await page.getByTestId('no-problems').or(page.getByTestId('problems')).first().waitFor();
  await page.waitForFunction((msg) => ![...document.querySelectorAll('[data-testid=problem-message]')].some((e) => e.textContent === msg), STATUS_ERROR);

  // Edit the app query so it names a column nobody created: the preview follows the keystrokes.
  const query = page.locator('[data-testid=migration][data-name^="app query"]');
  await query.click();
  const editor = page.getByTestId('sql-input');
  await editor.waitFor();
  const sql = await editor.inputValue();
  const started = Date.now();
  await editor.fill(sql.replace('signup_metadata)', 'signup_source)'));
  await page.getByTestId('problem-message').filter({ hasText: 'column "signup_source" of relation "users" does not exist' }).first().waitFor();
  console.log(`keystroke to preview (small project): ${Date.now() - started} ms`);
  await page.getByTestId('error-marker').first().waitFor();
  await shot(page, '03-edited');

  // Reload: the project (115 on, the edit) is still there.
  await page.reload();
  await page.getByTestId('replay-done').waitFor();
  assert.ok((await problemMessages(page)).includes('column "signup_source" of relation "users" does not exist'));
  assert.equal(await page.locator('[data-testid=migration].disabled').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('RLS matrix, rollback check, diff and diagram on the role-model story', async () => {
  const { context, page, errors } = await openApp();
  await page.getByTestId('example-select').selectOption('role-enum-rls-rollback');
  await page.getByTestId('replay-done').waitFor();
  await page.getByTestId('tab-rls').click();
  await page.getByTestId('rls-matrix').first().waitFor();
  await shot(page, '04-rls');

  await page.getByTestId('tab-rollback').click();
  await page.getByTestId('run-rollback').click();
  await page.getByTestId('rollback-report').waitFor();
  assert.ok(await page.getByTestId('down-failed').count() >= 1, 'a down fails in this story');
  await page.getByTestId('rollback-target').selectOption('0');
  await page.getByTestId('rollback-preview').waitFor();
  await shot(page, '05-rollback');

  await page.getByTestId('timeline-range').fill('1');
  await page.getByTestId('tab-diff').click();
  // The schemas before and after the step come from the replay worker.
  await page.getByTestId('change').first().waitFor();
  await page.getByTestId('tab-diagram').click();
  await page.getByTestId('er-diagram').locator('svg').waitFor();
  await page.getByTestId('timeline-range').fill(String(await page.getByTestId('migration').count()));
  await shot(page, '06-diagram');
  assert.deepEqual(errors, []);
  await context.close();
});

test('reorder, share link', async () => {
  const { context, page, errors } = await openApp();
  const names = async () => page.getByTestId('migration').evaluateAll((els) => els.map((e) => e.dataset.name));
  const before = await names();
  // Move 200 (the baseline) before 014 by dragging: 014 now fails, as its table exists.
  const baseline = page.locator('[data-testid=migration][data-name*="200"]');
  await baseline.dragTo(page.locator('[data-testid=migration][data-name*="014"]'));
  const after = await names();
  assert.notDeepEqual(after, before);
  assert.ok(after.indexOf(before.find((n) => n.includes('200'))) < after.indexOf(before.find((n) => n.includes('014'))));
  await page.getByTestId('replay-done').waitFor();
  await shot(page, '07-reordered');

  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  const other = await context.newPage();
  await other.goto(link);
  await other.getByTestId('replay-done').waitFor();
  assert.deepEqual(await other.getByTestId('migration').evaluateAll((els) => els.map((e) => e.dataset.name)), after);
  assert.deepEqual(errors, []);
  await context.close();
});

test('lints, drift and order sandbox tell the skipped-baseline story; audit', async () => {
  const { context, page, errors, workers } = await openApp();
  // Lint: the baseline's IF NOT EXISTS skipped a different definition of users.
  await page.getByTestId('tab-lints').click();
  await page.getByTestId('lint').filter({ hasText: 'SS001' }).first().waitFor();
  // Computed off the page's thread: the replay and jobs workers started and answered.
  assert.deepEqual((await workerNames(workers)).sort(), ['jobs', 'replay']);
  assert.ok(workers.every((w) => w.url().startsWith('blob:')), `workers: ${workers.map((w) => w.url())}`);
  await shot(page, '08-lints');
  // Drift: the example's production.sql against the history: 115's effects are absent.
  await page.getByTestId('tab-drift').click();
  const summary = await page.getByTestId('drift-summary').innerText();
  assert.match(summary, /115_add_user_status/);
  assert.match(summary, /column status of table public\.users is missing/);
  await shot(page, '09-drift');
  // Order sandbox: production's order (115 off) against the committed order.
  await page.getByTestId('tab-order').click();
  await page.getByTestId('order-sandbox').waitFor();
  assert.match(await page.getByTestId('order-sandbox').innerText(), /Left out: 115_add_user_status/);
  // Without 115 the app's INSERT fails, and the edges from 115 are what breaks.
  assert.match(await page.getByTestId('order-failure').innerText(), /column "status" of relation "users" does not exist/);
  assert.match(await page.getByTestId('order-sandbox').innerText(), /re-declares column status of table public\.users, created by 115_add_user_status/);
  await shot(page, '10-order-sandbox');
  // The dependency arcs: red where this order breaks an edge; a click on 200 says what it needs.
  assert.ok(await page.locator('path.arc.broken').count() > 0);
  await page.getByTestId('arc-row').filter({ hasText: '200_consolidated_baseline' }).click();
  assert.match(await page.getByTestId('order-detail').innerText(), /re-declares column status of table public\.users, created by 115_add_user_status/);
  assert.ok(await page.locator('path.arc.into').count() >= 4, 'the arcs into 200 are highlighted');
  await shot(page, '10b-order-arcs');
  // Move 115 after 200 and switch it on: same schema as committed (the real fix); then back.
  const m115 = page.locator('[data-testid=migration][data-name*="115"]');
  await m115.hover();
  await m115.getByTestId('toggle').click();
  await page.getByTestId('order-same').or(page.getByTestId('order-changes')).first().waitFor();
  await page.getByTestId('restore-order').click();
  await page.getByTestId('order-committed').waitFor();
  await shot(page, '11-order-committed');
  // Audit of the audit story.
  await page.getByTestId('example-select').selectOption('audit');
  await page.getByTestId('replay-done').waitFor();
  await page.getByTestId('tab-audit').click();
  assert.match(await page.getByTestId('audit').innerText(), /Foreign keys without a supporting index|without/i);
  await shot(page, '12-audit');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a worker that fails is replaced, and the analyses go on', async () => {
  const { context, page, errors, workers } = await openApp();
  await page.getByTestId('tab-lints').click();
  await page.getByTestId('lint').first().waitFor();
  await crashWorker(page, workers, 'jobs');
  // The next analysis runs in the new worker.
  const m115 = page.locator('[data-testid=migration][data-name*="115"]');
  await m115.hover();
  await m115.getByTestId('toggle').click();
  await page.getByTestId('lint').first().waitFor();
  assert.ok(!(await page.getByTestId('job-failed').count()));
  // The crash was logged to the console (and only that).
  assert.ok(errors.length === 1 && /jobs worker/.test(errors[0]), `${errors}`);
  await context.close();
});

test('a replay worker that fails is replaced, and the replay goes on', async () => {
  const { context, page, errors, workers } = await openApp();
  await page.getByTestId('tab-schema').click();
  await page.getByTestId('table').first().waitFor();
  await crashWorker(page, workers, 'replay');
  assert.match(await page.getByTestId('status').innerText(), /The replay crashed .* it was restarted/);
  // The fresh worker replays the project again: an edit and a scrub are answered.
  await page.getByTestId('migration').first().click();
  const editor = page.getByTestId('sql-input');
  await editor.fill((await editor.inputValue()) + '\nCREATE TABLE after_the_crash (id int);');
  await page.getByTestId('replay-done').waitFor();
  await page.getByTestId('schema-search').fill('after_the_crash');
  await page.getByTestId('table').filter({ hasText: 'after_the_crash' }).waitFor();
  assert.ok(errors.length === 1 && /replay worker/.test(errors[0]), `${errors}`);
  await context.close();
});

test('where no worker can start, the replay and the analyses run on the page', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
  // A browser (or a policy) without module workers: constructing one throws.
  await context.addInitScript(() => { window.Worker = function () { throw new Error('no workers here'); }; });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const workers = [];
  page.on('worker', (w) => workers.push(w));
  await page.goto(URL);
  await page.getByTestId('replay-done').waitFor();
  assert.ok((await problemMessages(page)).includes(STATUS_ERROR));
  await page.getByTestId('tab-schema').click();
  await page.getByTestId('table').first().waitFor();
  await page.getByTestId('tab-lints').click();
  await page.getByTestId('lint').filter({ hasText: 'SS001' }).first().waitFor();
  assert.equal(workers.length, 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the walkthrough drives the app, and each step has its own link', async () => {
  const { context, page, errors } = await openApp();
  const next = page.getByTestId('walkthrough-next');
  await next.click();
  assert.match(await page.getByTestId('walkthrough-step').innerText(), /skipped as a whole/);
  await next.click();
  await page.locator('[data-testid=tab-schema].active').waitFor();
  // Step 4: 115 runs after 200: nothing fails, the sandbox finds the committed schema.
  await next.click();
  await page.getByTestId('order-same').waitFor();
  await page.getByTestId('replay-done').waitFor();
  assert.ok(!(await problemMessages(page)).includes(STATUS_ERROR));
  await shot(page, '17-walkthrough-fix');
  // Step 5: bootstrapped from the baseline, 115 fails.
  await next.click();
  await page.locator('[data-testid=tab-problems].active').waitFor();
  await page.getByTestId('problem-message').filter({ hasText: 'column "status" of relation "users" already exists' }).waitFor();
  const link = await page.getByTestId('walkthrough-link').getAttribute('href');
  assert.equal(link, '#story=skipped-baseline&step=5');
  // The link opens the story at that step.
  const other = await context.newPage();
  await other.goto(URL + link);
  await other.getByTestId('replay-done').waitFor();
  assert.match(await other.getByTestId('walkthrough-step').innerText(), /bootstrapped from the baseline/);
  await other.getByTestId('problem-message').filter({ hasText: 'column "status" of relation "users" already exists' }).waitFor();
  await shot(other, '18-walkthrough-link');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a walkthrough step runs the rollback check and the preview', async () => {
  const { context, page, errors } = await openApp();
  await page.getByTestId('example-select').selectOption('rollback-plan-fails');
  await page.getByTestId('replay-done').waitFor();
  await page.getByTestId('walkthrough-next').click();
  await page.getByTestId('walkthrough-next').click();
  await page.locator('[data-testid=tab-rollback].active').waitFor();
  assert.match(await page.getByTestId('down-failed').first().innerText(), /cannot drop table accounts because other objects depend on it/);
  await page.getByTestId('rollback-preview').waitFor();
  assert.equal(await page.getByTestId('rollback-target').inputValue(), '3');
  await shot(page, '21-rollback-walkthrough');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Queries panel checks the app\'s queries against the step on the timeline', async () => {
  const { context, page, errors } = await openApp();
  await page.getByTestId('tab-queries').click();
  assert.equal(await page.getByTestId('query-message').first().innerText(), STATUS_ERROR);
  await shot(page, '19-queries');
  await page.getByTestId('queries-input').fill('SELECT id, email FROM users;\nSELECT * FROM user_invitations;');
  await page.getByTestId('query-message').filter({ hasText: 'relation "user_invitations" does not exist' }).waitFor();
  assert.equal(await page.getByTestId('query-result').count(), 2);
  // The strips (computed in the jobs worker), a cell per step from the empty database: users
  // exists from the first migration on, user_invitations never.
  const steps = await page.getByTestId('migration').count();
  const strips = page.locator('[data-testid=query-result] .strip');
  await strips.nth(1).locator('.cell').first().waitFor();
  const cells = await strips.evaluateAll((all) => all.map((s) => [...s.querySelectorAll('.cell')].map((c) => (c.classList.contains('bad') ? 'x' : 'o')).join('')));
  assert.deepEqual(cells, ['x' + 'o'.repeat(steps), 'x'.repeat(steps + 1)]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('dropping migration files on the list opens them as a project', async () => {
  const { context, page, errors } = await openApp();
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['CREATE TABLE a (id int PRIMARY KEY);'], '001_a.sql'));
    dt.items.add(new File(['CREATE TABLE b (a_id int REFERENCES a);'], '002_b.sql'));
    document.querySelector('.project').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.getByTestId('status').filter({ hasText: 'Opened 2 files' }).waitFor();
  assert.deepEqual(await page.getByTestId('migration').evaluateAll((els) => els.map((e) => e.dataset.name)), ['001_a', '002_b']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('missing-tables and drift stories: the app query error and production drift', async () => {
  const { context, page, errors } = await openApp();
  await page.getByTestId('example-select').selectOption('missing-tables');
  await page.getByTestId('replay-done').waitFor();
  assert.ok((await problemMessages(page)).includes('relation "user_invitations" does not exist'));
  await page.getByTestId('tab-drift').click();
  assert.match(await page.getByTestId('drift-summary').innerText(), /table public\.user_invitations exists only in production/);
  await shot(page, '14-missing-tables-drift');
  await page.getByTestId('example-select').selectOption('drift');
  await page.getByTestId('replay-done').waitFor();
  await page.getByTestId('tab-drift').click();
  assert.match(await page.getByTestId('drift-summary').innerText(), /production = state after 004_create_projects/);
  assert.match(await page.getByTestId('drift').innerText(), /PARTLY/);
  // The system rows of 002 and 003: expected, not checkable from a schema-only dump.
  assert.match(await page.getByTestId('expected-rows').innerText(), /public\.team_roles\s*: 5 row\(s\), from INSERT 002_create_team_roles/);
  await shot(page, '15-drift');
  assert.deepEqual(errors, []);
  await context.close();
});

// While `watch` runs, the page records the longest task on its main thread (the Long Tasks
// API: a task that held the thread 50 ms or more) and the longest gap between animation frames.
// Frame gaps also grow when the workers take a core from the browser's painting threads (2
// cores here), so the main-thread tasks are what says whether input waits.
async function watch(page) {
  await page.evaluate(() => {
    const w = { longestTask: 0, tasks: [], longestGap: 0, running: true };
    window.schemasimWatch = w;
    w.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        w.longestTask = Math.max(w.longestTask, e.duration);
        w.tasks.push(Math.round(e.duration));
      }
    });
    w.observer.observe({ type: 'longtask' });
    let last = performance.now();
    const tick = (now) => {
      w.longestGap = Math.max(w.longestGap, now - last);
      last = now;
      if (w.running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return async () => page.evaluate(async () => {
    const w = window.schemasimWatch;
    // Long tasks are reported after they end: let the last one arrive.
    await new Promise((r) => setTimeout(r, 100));
    w.running = false;
    w.observer.disconnect();
    return { task: Math.round(w.longestTask), tasks: w.tasks.length, gap: Math.round(w.longestGap) };
  });
}

const watched = (w) => `longest main-thread task ${w.task} ms (${w.tasks} over 50 ms), longest frame gap ${w.gap} ms`;

test('lemmy from the corpus: load and replay time, keystroke latency', { skip: !process.env.SCHEMASIM_CORPUS_TIMING && 'set SCHEMASIM_CORPUS_TIMING=1' }, async () => {
  const { context, page } = await openApp();
  const started = Date.now();
  // The prelude (Diesel's bookkeeping table) as step 0000, then the 342 up files.
  const dir = join(CORPUS, 'lemmy');
  const files = [{ name: '0000_prelude.sql', mimeType: 'text/plain', buffer: readFileSync(join(dir, 'prelude.sql')) }];
  for (const f of readdirSync(join(dir, 'up')).sort()) {
    files.push({ name: f, mimeType: 'text/plain', buffer: readFileSync(join(dir, 'up', f)) });
  }
  // Playwright hands the 343 files' contents to the page over the DevTools protocol, in one
  // task of the page's thread that a real file picker does not cost: watch from when the page
  // has them (reading them, the project, the replay).
  await page.getByTestId('open-files').setInputFiles(files);
  const replaying = await watch(page);
  await page.waitForFunction(() => /Replayed (\d{3}) migrations/.test(document.querySelector('[data-testid=replay-done]')?.textContent ?? ''), null, { timeout: 300_000 });
  console.log(`lemmy: open files to replay done: ${Date.now() - started} ms`);
  console.log(`lemmy: while opening and replaying: ${watched(await replaying())}`);
  const notRun = await page.locator('[data-testid=migration] [data-testid=badge]').filter({ hasText: 'not run' }).count();
  assert.equal(notRun, 0, 'every lemmy migration ran');
  const count = await page.getByTestId('migration').count();
  const last = page.getByTestId('migration').nth(count - 1);
  await last.click();
  const editor = page.getByTestId('sql-input');
  const t0 = Date.now();
  await editor.fill((await editor.inputValue()) + '\nCREATE TABLE schemasim_latency_probe (id int);');
  await page.getByTestId('replay-done').waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=statement]')].some((e) => e.textContent.includes('schemasim_latency_probe')));
  console.log(`lemmy: keystroke to preview (last migration edited): ${Date.now() - t0} ms`);
  // Typing in the first migration (every later one replays).
  await page.getByTestId('migration').nth(1).click();
  const typing = await watch(page);
  await editor.press('End');
  await editor.pressSequentially(' -- typed', { delay: 40 });
  await page.getByTestId('replay-done').waitFor({ timeout: 300_000 });
  console.log(`lemmy: typing in an early migration (40 ms between keys) until the replay is done: ${watched(await typing())}`);
  await shot(page, '13-lemmy');
  // The dependency graph and lints are computed in the jobs worker: the page keeps answering.
  const t1 = Date.now();
  const ordering = await watch(page);
  await page.getByTestId('tab-order').click();
  await page.getByTestId('order-arcs').waitFor({ timeout: 300_000 });
  console.log(`lemmy: Order panel (graph of ${await page.getByTestId('arc-row').count()} migrations) ready after ${Date.now() - t1} ms; ${watched(await ordering())}`);
  await page.getByTestId('arc-row').nth(100).click();
  assert.ok(await page.locator('path.arc').count() > 0);
  await shot(page, '20-lemmy-order');
  const t2 = Date.now();
  await page.getByTestId('tab-lints').click();
  await page.getByTestId('lints').or(page.getByTestId('lints-empty')).waitFor({ timeout: 300_000 });
  console.log(`lemmy: Lints panel ready after ${Date.now() - t2} ms`);
  // Scrubbing on the Schema panel: each step's schema (and the one before, for the changes)
  // comes from the replay worker.
  await page.getByTestId('tab-schema').click();
  await page.getByTestId('schema').waitFor();
  const scrubbing = await watch(page);
  for (const step of [200, 100, 300]) {
    const t = Date.now();
    await page.getByTestId('timeline-range').fill(String(step));
    await page.waitForFunction((step) => document.querySelector('[data-testid=timeline-label]')?.textContent.startsWith(`${step}/`)
      && document.querySelector('[data-testid=schema]'), step);
    console.log(`lemmy: scrub to step ${step} to its schema shown: ${Date.now() - t} ms`);
  }
  console.log(`lemmy: while scrubbing: ${watched(await scrubbing())}`);
  await context.close();
});
