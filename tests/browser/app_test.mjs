// Browser tests of the web app: Debian's chromium (never a downloaded browser) driven by
// playwright-core, against `opencse serve` on a loopback port with a seeded database.
// Run by ctest (tests/CMakeLists.txt) as `node --test`; screenshots go to $ARTIFACT_DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BIN = process.env.OPENCSE_BINARY;
const WEB = process.env.OPENCSE_WEB;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.ARTIFACT_DIR || join(tmpdir(), 'opencse-browser-artifacts');
const PASSWORD = 'correct horse battery';

let dir, db, server, base, browser;

function cli(...args) {
  return execFileSync(BIN, ['--db', db, '--today', '2024-06-30', '--user', 'seed', ...args],
                      { encoding: 'utf8' }).trim();
}

function addUser(name, role, office) {
  const args = ['--db', db, '--today', '2024-06-30', 'user', 'add', '--username', name, '--role',
                role, '--password-stdin'];
  if (office) args.push('--office', office);
  execFileSync(BIN, args, { input: PASSWORD + '\n' });
}

function seed() {
  cli('init');
  const person = (first, last, city) =>
    cli('party', 'add', '--first', first, '--last', last, '--line1', `1 ${last} St`, '--city', city,
        '--state', 'IL', '--zip', '62701');
  const a = person('Sam', 'Doe', 'Springfield'), b = person('Ana', 'Roe', 'Springfield');
  const c = person('Max', 'Fox', 'Shelbyville'), d = person('Eve', 'Cox', 'Shelbyville');
  const e = person('Ben', 'Ray', 'Springfield'), f = person('Zoe', 'Kay', 'Springfield');
  cli('case', 'add', '--obligor', a, '--obligee', b, '--county', 'north', '--opened', '2024-01-01');
  cli('case', 'add', '--obligor', c, '--obligee', d, '--county', 'south', '--opened', '2024-01-01',
      '--family-violence');
  cli('case', 'add', '--obligor', e, '--obligee', f, '--county', 'north', '--opened', '2024-01-01');
  cli('order', 'add', '--case', 'CASE-000001', '--amount', '500.00', '--effective', '2024-01-01');
  cli('order', 'add', '--case', 'CASE-000002', '--amount', '300.00', '--effective', '2024-01-01');
  cli('order', 'add', '--case', 'CASE-000003', '--amount', '400.00', '--effective', '2024-01-01');
  cli('post-payment', '--case', 'CASE-000001', '--amount', '250.00', '--date', '2024-06-10',
      '--source', 'withholding', '--key', 'SDU-1');
  // Up to 13 recommendations per case, and property liens on (from $1,000 of arrears): the
  // nightly batch then recommends remedies only a supervisor (tax offset, credit bureau...) or
  // an attorney (property lien) may decide, beside the caseworker's.
  const config = join(dir, 'state.toml');
  writeFileSync(config, '[workflow]\nmax_recommendations = 13\n' +
                        '[remedy.property_lien]\nenabled = true\narrears_at_least = "1000.00"\n');
  cli('enforce', 'config', '--load', config);
  addUser('cw_north', 'caseworker', 'north');
  addUser('atty', 'attorney', '');
  addUser('sup_north', 'supervisor', 'north');
  addUser('acct', 'accounting_technician', '');
  // The nightly batch (rules only: no model trained) recommends and queues the review tasks
  // for the only caseworker; the queue shows the ones of their office (CASE-000001 and 3).
  cli('batch', 'nightly', '--as-of', '2024-06-30');
}

function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn(BIN, ['--db', db, '--today', '2024-06-30', 'serve', '--port', '0', '--web', WEB],
                   { stdio: ['ignore', 'pipe', 'inherit'] });
    server.on('error', reject);
    server.stdout.on('data', (chunk) => {
      const m = String(chunk).match(/listening on (http:\/\/[0-9.]+:\d+)/);
      if (m) resolve(m[1]);
    });
  });
}

async function signIn(page, user) {
  await page.goto(base + '/');
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#who').filter({ hasText: user }).waitFor();
}

// One session per user, signed in through the form the first time and reused after (the
// server allows 10 sign-in attempts a minute from one address). Tests that end a session sign
// in afresh with signIn.
const sessions = new Map();
async function userPage(user, options = {}) {
  if (!sessions.has(user)) {
    const page = await browser.newPage(options);
    await signIn(page, user);
    sessions.set(user, await page.context().storageState());
    return page;
  }
  const page = await browser.newPage({ ...options, storageState: sessions.get(user) });
  await page.goto(base + '/');
  await page.locator('#who').filter({ hasText: user }).waitFor();
  return page;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opencse-browser-'));
  db = join(dir, 'app.db');
  mkdirSync(ARTIFACTS, { recursive: true });
  seed();
  base = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
                                    args: ['--no-sandbox'] });
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const exited = new Promise((r) => server.on('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

test('a caseworker signs in, sees the caseload and opens a case', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const failed = [];
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().includes('/v1/')) failed.push(`${r.status()} ${r.url()}`);
  });
  await signIn(page, 'cw_north');
  sessions.set('cw_north', await page.context().storageState());
  const rows = page.locator('#cases tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);  // only the north office's cases
  assert.doesNotMatch(await page.locator('#cases').innerText(), /CASE-000002/);
  assert.deepEqual(failed, []);  // the icon is declared and served: no 404 for /favicon.ico
  await page.screenshot({ path: join(ARTIFACTS, 'caseload.png'), fullPage: true });
  await page.locator('#cases').getByRole('link', { name: 'CASE-000001' }).click();
  await page.locator('#parties li').first().waitFor();
  assert.match(await page.locator('#parties').innerText(), /obligor: Sam Doe/);
  assert.match(await page.locator('#orders').innerText(),
               /ORD-000001: current support · 500\.00 monthly · from 2024-01-01, no end date/);
  await page.locator('#arrears dd').first().waitFor();
  assert.match(await page.locator('#arrears').innerText(), /Total\s+2500\.00/);
  await page.locator('#payments tr').first().waitFor();  // filled after the arrears
  assert.match(await page.locator('#payments').innerText(), /2024-06-10\s+250\.00\s+withholding/);
  const months = page.locator('#history tr');
  assert.equal(await months.count(), 12);
  assert.match(await months.last().innerText(), /2024-06\s+500\.00\s+250\.00/);
  await page.screenshot({ path: join(ARTIFACTS, 'case.png'), fullPage: true });
  await page.close();
});

test('a caseworker adds a note on the case page and sees it listed', async () => {
  const page = await userPage('cw_north', { viewport: { width: 1024, height: 900 } });
  await page.goto(base + '/#/cases/CASE-000001');
  await page.locator('#notes li').first().waitFor();
  assert.match(await page.locator('#notes').innerText(), /No notes yet/);
  // An empty note is refused in the page, with the message announced.
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.locator('#note-msg').filter({ hasText: 'Write the note first' }).waitFor();
  // The labelled textarea, reached and submitted from the keyboard.
  await page.getByLabel('New note').fill('Obligor called: new job at Acme from July.');
  await page.getByLabel('New note').press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('#note-msg').filter({ hasText: 'Note added' }).waitFor();
  const notes = page.locator('#notes li.note');
  await notes.first().waitFor();
  assert.equal(await notes.count(), 1);
  assert.match(await notes.first().innerText(), /cw_north/);
  assert.match(await notes.first().innerText(), /new job at Acme from July/);
  assert.equal(await page.getByLabel('New note').inputValue(), '');
  await page.screenshot({ path: join(ARTIFACTS, 'case-notes.png'), fullPage: true });
  await page.close();
});

test('a caseworker cannot open a case outside the caseload', async () => {
  const page = await userPage('cw_north');
  await page.goto(base + '/#/cases/CASE-000002');
  await page.locator('#error').filter({ hasText: 'case_not_in_caseload' }).waitFor();
  assert.equal(await page.locator('#parties li').count(), 0);
  await page.screenshot({ path: join(ARTIFACTS, 'outside-caseload.png') });
  await page.close();
});

test('family violence hides addresses from a caseworker but not from an attorney', async () => {
  const page = await userPage('atty');
  await page.goto(base + '/#/cases/CASE-000002');
  await page.locator('#parties li').first().waitFor();
  assert.match(await page.locator('#parties').innerText(), /Shelbyville/);
  assert.doesNotMatch(await page.locator('#parties').innerText(), /address protected/);
  await page.close();
});

test('sign-in is keyboard operable and labelled; a wrong password is announced', async () => {
  const page = await browser.newPage();
  await page.goto(base + '/');
  await page.getByLabel('Username').waitFor();
  // Focus lands on the first field when the sign-in form appears.
  await page.waitForFunction(() => document.activeElement.id === 'username');
  await page.keyboard.type('cw_north');
  await page.keyboard.press('Tab');
  await page.keyboard.type('not the password');
  await page.keyboard.press('Enter');
  const alert = page.locator('#signin-error[role="alert"]');
  await alert.filter({ hasText: 'username or password is wrong' }).waitFor();
  await page.close();
});

test('signing out ends the session', async () => {
  const page = await browser.newPage();
  await signIn(page, 'cw_north');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Username').waitFor();
  const status = await page.evaluate(async () => (await fetch('/v1/session')).status);
  assert.equal(status, 401);
  await page.close();
});

// Remedies a caseworker may approve (docs/ENFORCEMENT.md, Roles).
const CASEWORKER_APPROVES = /reminder|outreach call|payment plan offer|order review referral|income withholding/;

test('the queue: approve a recommendation with a reason and see it in the audit trail', async () => {
  const page = await userPage('cw_north', { viewport: { width: 1280, height: 1000 } });
  const tasks = page.locator('#queue li.task');
  await tasks.first().waitFor();
  assert.equal(await tasks.count(), 2);  // only the north office's cases
  const task = tasks.filter({ hasText: 'CASE-000001' });
  assert.match(await task.innerText(), /Risk \d+ — (low|medium|high)/);
  assert.match(await page.locator('#queue-count').innerText(), /2 open tasks as of 2024-06-30/);
  // Forms only for the remedies a caseworker may decide; "Remedy instead" offers only those.
  const offset = task.locator('.decide-other').filter({ hasText: 'tax offset' });
  assert.equal(await offset.count(), 1);
  assert.equal(await offset.getByRole('button').count(), 0);
  assert.match(await offset.innerText(), /Your role may not approve, modify or dismiss a tax offset/);
  const options = await task.locator('form.decide').first().locator('select option').allTextContents();
  assert.ok(options.includes('income withholding'), options.join());
  assert.ok(!options.includes('tax offset') && !options.includes('property lien'), options.join());
  assert.equal(await task.locator('form.decide input[name="reason"]').first().getAttribute('maxlength'), '200');
  await page.screenshot({ path: join(ARTIFACTS, 'queue.png'), fullPage: true });

  const forms = task.locator('form.decide');
  assert.ok(await forms.count() >= 2, 'at least two pending recommendations');
  let approve = null, dismiss = null;
  for (let i = 0; i < await forms.count(); ++i) {
    const f = forms.nth(i);
    if (!approve && CASEWORKER_APPROVES.test(await f.locator('.rec').innerText())) approve = f;
    else if (!dismiss) dismiss = f;
  }
  assert.ok(approve && dismiss);
  const approveId = await approve.getAttribute('data-action');
  const dismissId = await dismiss.getAttribute('data-action');

  // A dismissal needs a reason: the form says so, and so does the server.
  await dismiss.getByRole('button', { name: 'Dismiss' }).click();
  await dismiss.locator('[role="alert"]').filter({ hasText: 'A reason is required' }).waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'dismiss-needs-reason.png'), fullPage: true });
  const refused = await page.evaluate(async (id) => {
    const r = await fetch(`/v1/recommendations/${id}/dismiss`, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrf },
      body: JSON.stringify({ reason: '' }) });
    return { status: r.status, body: await r.json() };
  }, dismissId);
  assert.equal(refused.status, 400);
  assert.equal(refused.body.code, 'reason_missing');
  await dismiss.getByLabel('Reason (required to modify or dismiss)').fill('Parent already on a plan');
  await dismiss.getByRole('button', { name: 'Dismiss' }).click();
  await dismiss.locator('.done').filter({ hasText: 'dismissed by cw_north' }).waitFor();

  // Approve with a reason, from the keyboard-reachable form.
  await approve.getByLabel('Reason (required to modify or dismiss)').fill('Employer confirmed by phone');
  await approve.getByRole('button', { name: 'Approve' }).click();
  await approve.locator('.done').filter({ hasText: `${approveId}` }).waitFor();
  assert.match(await approve.innerText(), /approved by cw_north/);
  await page.screenshot({ path: join(ARTIFACTS, 'queue-decided.png'), fullPage: true });

  // The case page shows the decision and its audit trail.
  await task.getByRole('link', { name: 'CASE-000001' }).click();
  const row = page.locator('#audit tr').filter({ hasText: approveId }).filter({ hasText: 'approve' });
  await row.first().waitFor();
  assert.match(await row.first().innerText(), /cw_north/);
  assert.match(await row.first().innerText(), /Employer confirmed by phone/);
  const dismissed = page.locator('#audit tr').filter({ hasText: dismissId }).filter({ hasText: 'dismiss' });
  assert.match(await dismissed.first().innerText(), /Parent already on a plan/);
  // The actions section is answered by a request of its own: wait for it rather than read it
  // as soon as the audit rows show (a loaded machine answered it later, and the read saw '').
  await page.locator('#actions').filter({ hasText: new RegExp(`${approveId}.*approved`) }).waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'case-audit.png'), fullPage: true });

  // Filters: a tier the task is not in empties the queue.
  await page.goto(base + '/#/');
  await tasks.first().waitFor();
  const tier = (await task.innerText()).match(/Risk \d+ — (low|medium|high)/)[1];
  const other = tier === 'high' ? 'low' : 'high';
  await page.getByLabel('Risk tier').selectOption(other);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.locator('#queue-count').filter({ hasText: '0 open tasks' }).waitFor();
  assert.equal(await tasks.count(), 0);
  await page.close();
});

test('the supervisor page shows workload, pending approvals with their age and acceptance', async () => {
  const page = await userPage('sup_north', { viewport: { width: 1280, height: 900 } });
  await page.getByRole('link', { name: 'Supervisor' }).click();
  await page.locator('#workload tr').first().waitFor();
  assert.match(await page.locator('#workload').innerText(), /cw_north\s+2/);
  assert.match(await page.locator('#sup-summary').innerText(), /awaiting a decision/);
  assert.match(await page.locator('#acceptance').innerText(), /2024-06/);
  await page.screenshot({ path: join(ARTIFACTS, 'supervisor.png'), fullPage: true });
  // A caseworker has no link and the API refuses the page.
  const cw = await userPage('cw_north');
  assert.equal(await cw.locator('#nav-supervisor').isHidden(), true);
  await cw.goto(base + '/#/supervisor');
  await cw.locator('#error').filter({ hasText: 'permission_denied' }).waitFor();
  await cw.close();
  await page.close();
});

// Sends a state-changing request from the page with the session's CSRF token.
async function pagePost(page, path, body) {
  return page.evaluate(async ([p, b]) => {
    const r = await fetch(p, { method: 'POST', credentials: 'same-origin',
                               headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrf },
                               body: JSON.stringify(b) });
    return { status: r.status, body: await r.json() };
  }, [path, body]);
}

test('a supervisor reaches a case from the Supervisor page and decides its recommendations there', async () => {
  const page = await userPage('sup_north', { viewport: { width: 1280, height: 1000 } });
  await page.getByRole('link', { name: 'Supervisor' }).click();
  const caseLink = page.locator('#pending').getByRole('link', { name: 'CASE-000001' }).first();
  await caseLink.waitFor();
  await caseLink.click();
  await page.waitForURL(/#\/cases\/CASE-000001$/);
  const forms = page.locator('#decisions form.decide');
  await forms.first().waitFor();
  // Every pending recommendation is decidable by a supervisor, liens and offsets included.
  const recs = await page.evaluate(async () =>
    (await (await fetch('/v1/cases/CASE-000001/recommendations')).json()).items);
  const pending = recs.filter((a) => a.state === 'recommended');
  assert.equal(await forms.count(), pending.length);
  assert.equal(await page.locator('#decisions .decide-other').count(), 0);
  const offset = forms.filter({ has: page.locator('.rec', { hasText: ': tax offset (' }) });
  assert.equal(await offset.count(), 1);
  const options = await offset.locator('select option').allTextContents();
  assert.equal(options.length, 13);  // "—" and the 12 other remedies
  assert.ok(options.includes('passport denial') && options.includes('reminder'), options.join());
  const offsetId = await offset.getAttribute('data-action');
  await offset.getByLabel('Reason (required to modify or dismiss)').fill('Pre-offset notice checked');
  await offset.getByRole('button', { name: 'Approve' }).click();
  await page.locator(`#decisions [data-action="${offsetId}"] .done`)
    .filter({ hasText: 'approved by sup_north' }).waitFor();
  // The actions table and the audit trail are refreshed.
  await page.locator('#actions tr').filter({ hasText: offsetId }).filter({ hasText: 'approved' }).waitFor();
  await page.locator('#audit tr').filter({ hasText: offsetId }).filter({ hasText: 'approve' }).waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'supervisor-decides.png'), fullPage: true });
  await page.close();
});

test('an attorney decides liens on the case page and only liens and contempt', async () => {
  const page = await userPage('atty', { viewport: { width: 1280, height: 1000 } });
  await page.goto(base + '/#/cases/CASE-000001');
  const forms = page.locator('#decisions form.decide');
  await forms.first().waitFor();
  assert.equal(await forms.count(), 1);
  assert.match(await forms.first().locator('.rec').innerText(), /property lien/);
  assert.deepEqual(await forms.first().locator('select option').allTextContents(), ['—', 'contempt referral']);
  const other = page.locator('#decisions .decide-other').filter({ hasText: 'admin offset' });
  assert.equal(await other.count(), 1);
  assert.equal(await other.getByRole('button').count(), 0);
  // Controls the role cannot use are not shown: an attorney reads scores but does not run them.
  assert.equal(await page.locator('#score-run').isHidden(), true);
  await page.locator('#score p').first().waitFor();
  assert.match(await page.locator('#score').innerText(), /Not scored yet/);
  const lien = page.locator(`#decisions [data-action="${await forms.first().getAttribute('data-action')}"]`);
  await lien.getByLabel('Reason (required to modify or dismiss)').fill('No real property on record');
  await lien.getByRole('button', { name: 'Dismiss' }).click();
  await lien.locator('.done').filter({ hasText: 'dismissed by atty' }).waitFor();
  await page.close();
});

test('a refused case shows no data of the case before it, and the refusal at the top, focused', async () => {
  const page = await userPage('cw_north', { viewport: { width: 1280, height: 700 } });
  await page.goto(base + '/#/cases/CASE-000001');
  await page.locator('#payments tr').first().waitFor();
  await page.locator('#notes li').first().waitFor();
  await page.evaluate(() => { location.hash = '#/cases/CASE-000002'; });
  const error = page.locator('#error');
  await error.filter({ hasText: 'case_not_in_caseload' }).waitFor();
  for (const id of ['parties', 'orders', 'arrears', 'history', 'payments', 'actions', 'decisions', 'notes', 'audit']) {
    assert.equal(await page.locator(`#${id}`).innerText(), '', `#${id} still shows CASE-000001`);
  }
  // No form or button of the case page either: nothing to post to a refused case.
  assert.equal(await page.locator('#case-body').isHidden(), true);
  assert.equal(await page.locator('#note-form').isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error');
  assert.ok(await error.evaluate((e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }));
  assert.ok(await error.evaluate((e) => e.compareDocumentPosition(document.getElementById('case')) &
                                        Node.DOCUMENT_POSITION_FOLLOWING), 'the error precedes the case sections');
  await page.screenshot({ path: join(ARTIFACTS, 'refused-case.png') });
  await page.close();
});

test('signing out clears the page and the address: the next user sees nothing of the last', async () => {
  const page = await browser.newPage();
  await signIn(page, 'atty');
  await page.goto(base + '/#/cases/CASE-000002');
  await page.locator('#parties li').first().waitFor();
  assert.match(await page.locator('#parties').innerText(), /Max Fox/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Username').waitFor();
  assert.equal(await page.evaluate(() => location.hash), '');
  assert.equal(await page.locator('#case').isHidden(), true);
  assert.doesNotMatch(await page.evaluate(() => document.body.textContent), /Max Fox|Shelbyville|atty/);
  assert.equal(await page.getByLabel('Username').inputValue(), '');
  // The next person at the same browser lands on their own dashboard.
  await page.getByLabel('Username').fill('cw_north');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#cases tr').first().waitFor();
  assert.equal(await page.locator('#dashboard').isVisible(), true);
  assert.doesNotMatch(await page.evaluate(() => document.body.textContent), /Max Fox|Shelbyville/);
  await page.close();
});

test('a slow answer for the previous case never lands on the case shown now', async () => {
  const page = await userPage('atty');
  // CASE-000001's ledger answers late (a big ledger), after the user has moved on to CASE-000002.
  let release;
  const held = new Promise((r) => { release = r; });
  let heldDone;
  const done = new Promise((r) => { heldDone = r; });
  await page.route('**/v1/cases/CASE-000001/ledger', async (route) => {
    await held;
    await route.continue();
    heldDone();
  });
  await page.goto(base + '/#/cases/CASE-000001');
  await page.locator('#parties li').first().waitFor();
  await page.evaluate(() => { location.hash = '#/cases/CASE-000002'; });
  await page.locator('#case-title').filter({ hasText: 'CASE-000002 ·' }).waitFor();
  await page.locator('#audit').waitFor({ state: 'attached' });
  await page.locator('#arrears dd').first().waitFor();
  release();
  await done;
  await page.waitForTimeout(300);
  assert.match(await page.locator('#case-title').innerText(), /^CASE-000002/);
  assert.match(await page.locator('#parties').innerText(), /Max Fox/);
  assert.doesNotMatch(await page.locator('#payments').innerText(), /2024-06-10/);  // CASE-000001's payment
  assert.equal(await page.locator('#payments tr').count(), 0);
  await page.unroute('**/v1/cases/CASE-000001/ledger');
  await page.close();
});

test('a note goes to the case whose page holds the form, once however often it is submitted', async () => {
  const page = await userPage('cw_north');
  await page.goto(base + '/#/cases/CASE-000003');
  await page.locator('#notes li').first().waitFor();
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/notes')) posts.push(r.url()); });
  // The address changes without the page being rendered again (no hashchange): the note still
  // belongs to the case shown.
  await page.evaluate(() => history.replaceState(null, '', '#/cases/CASE-000001'));
  await page.getByLabel('New note').fill('Called the employer: payroll confirmed.');
  // A double click (and Enter right after) posts one note.
  await page.getByRole('button', { name: 'Add note' }).dblclick();
  await page.keyboard.press('Enter');
  await page.locator('#note-msg').filter({ hasText: 'Note added' }).waitFor();
  await page.waitForTimeout(500);
  assert.equal(posts.length, 1, posts.join());
  assert.match(posts[0], /\/v1\/cases\/CASE-000003\/notes$/);
  const notes = await page.evaluate(async () => ({
    three: (await (await fetch('/v1/cases/CASE-000003/notes')).json()).items,
    one: (await (await fetch('/v1/cases/CASE-000001/notes')).json()).items }));
  assert.equal(notes.three.filter((n) => n.text.startsWith('Called the employer')).length, 1);
  assert.equal(notes.one.filter((n) => n.text.startsWith('Called the employer')).length, 0);
  // A note over the server's 2,000-character limit is refused in the page, counted as the
  // server counts it (an accented letter is one character).
  await page.getByLabel('New note').fill('é'.repeat(2001));
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.locator('#note-msg').filter({ hasText: 'The note is 2001 characters; at most 2,000' }).waitFor();
  assert.match(await page.locator('#note-help').innerText(), /2,000 characters/);
  await page.close();
});

test('a double click on Approve decides once', async () => {
  const page = await userPage('cw_north');
  const task = page.locator('#queue li.task').filter({ hasText: 'CASE-000003' });
  const form = task.locator('form.decide').first();
  await form.waitFor();
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/v1/recommendations/')) posts.push(r.url()); });
  await form.getByRole('button', { name: 'Approve' }).dblclick();
  await form.locator('.done').filter({ hasText: 'approved by cw_north' }).waitFor();
  await page.waitForTimeout(500);
  assert.equal(posts.length, 1, posts.join());
  await page.close();
});

test('the skip link moves focus to the content without leaving the page', async () => {
  const page = await userPage('cw_north');
  await page.goto(base + '/#/cases/CASE-000001');
  await page.locator('#notes li').first().waitFor();
  await page.locator('a.skip').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement.id === 'main');
  await page.waitForTimeout(300);
  assert.match(page.url(), /#\/cases\/CASE-000001$/);
  assert.equal(await page.locator('#case').isVisible(), true);
  assert.equal(await page.locator('#dashboard').isHidden(), true);
  await page.close();
});

test('an expired session says so, and what was not saved', async () => {
  const page = await browser.newPage();
  await signIn(page, 'cw_north');
  await page.goto(base + '/#/cases/CASE-000001');
  await page.locator('#notes li').first().waitFor();
  await page.getByLabel('New note').fill('typed before the session ended');
  // Every part of the case page loaded first: a request still on its way would meet the ended
  // session before the click and sign out (CI under load: the button was gone when clicked).
  await page.waitForLoadState('networkidle');
  // The session ends on the server (as an idle expiry does).
  await page.evaluate(async () => { await fetch('/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': state.csrf } }); });
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.locator('#signin-error').filter({ hasText: 'Your session expired' }).waitFor();
  assert.match(await page.locator('#signin-error').innerText(), /not saved/);
  assert.equal(await page.locator('#parties').innerText(), '');
  assert.equal(await page.getByLabel('New note').inputValue(), '');
  await page.close();
});

test('the queue pages with "More tasks" and drops a task once everything in it is decided', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 },
                                      storageState: sessions.get('cw_north') });
  // Pages of one task, so that two tasks make two pages.
  await page.route('**/v1/queue?*', (r) => r.continue({ url: r.request().url().replace('limit=50', 'limit=1') }));
  await page.goto(base + '/');
  const tasks = page.locator('#queue li.task');
  await tasks.first().waitFor();
  assert.equal(await tasks.count(), 1);
  assert.match(await page.locator('#queue-count').innerText(), /2 open tasks as of 2024-06-30 \(1 shown\)/);
  const more = page.getByRole('button', { name: 'More tasks' });
  await more.dblclick();  // one page however often it is clicked
  await tasks.nth(1).waitFor();
  await page.waitForTimeout(300);
  assert.equal(await tasks.count(), 2);
  assert.equal(await more.isHidden(), true);
  assert.match(await page.locator('#queue-count').innerText(), /2 open tasks as of 2024-06-30$/);
  // The supervisor decides every recommendation still pending on CASE-000003.
  const sup = await userPage('sup_north');
  const recs = await sup.evaluate(async () =>
    (await (await fetch('/v1/cases/CASE-000003/recommendations')).json()).items);
  for (const a of recs.filter((x) => x.state === 'recommended')) {
    const r = await pagePost(sup, `/v1/recommendations/${a.id}/dismiss`, { reason: 'Handled at the hearing' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  await sup.close();
  await page.reload();
  await tasks.first().waitFor();
  await page.locator('#queue-count').filter({ hasText: '1 open task as of' }).waitFor();
  assert.equal(await more.isHidden(), true);
  assert.doesNotMatch(await page.locator('#queue').innerText(), /CASE-000003/);
  await page.close();
});

// ---- finding a case, posting a payment, outreach tasks in the queue ----

test('a caseworker finds a case by name from the search box on any page and opens it', async () => {
  const page = await userPage('cw_north', { viewport: { width: 1280, height: 900 } });
  // From a case page (the box is in the header of every page).
  await page.goto(base + '/#/cases/CASE-000003');
  await page.locator('#parties li').first().waitFor();
  const box = page.getByRole('searchbox', { name: 'Find a case by case id or party name' });
  await box.fill('  sam DOE ');
  await box.press('Enter');
  const results = page.locator('#search-results li');
  await results.first().waitFor();
  assert.equal(await results.count(), 1);
  assert.match(await results.first().innerText(), /CASE-000001/);
  assert.match(await results.first().innerText(), /Matched: obligor Sam Doe/);
  assert.doesNotMatch(await page.locator('#search').innerText(), /Springfield|St\b/);  // no address
  await page.screenshot({ path: join(ARTIFACTS, 'search-results.png'), fullPage: true });
  await results.first().getByRole('link', { name: 'CASE-000001' }).click();
  await page.locator('#case-title').filter({ hasText: 'CASE-000001 ·' }).waitFor();
  // Another office's party is not found; a case id opens its case at once.
  await box.fill('Max Fox');
  await page.getByRole('button', { name: 'Find' }).click();
  await page.locator('#search-summary').filter({ hasText: 'No case in your caseload matches' }).waitFor();
  assert.equal(await results.count(), 0);
  await box.fill('case-3');
  await box.press('Enter');
  await page.locator('#case-title').filter({ hasText: 'CASE-000003 ·' }).waitFor();
  // A blank search is refused in the page.
  await box.fill('   ');
  await box.press('Enter');
  await page.locator('#error').filter({ hasText: 'Type a case id' }).waitFor();
  await page.close();
});

// The payments recorded on a case, read through the API from the page.
async function casePayments(page, id) {
  return page.evaluate(async (c) => (await (await fetch(`/v1/cases/${c}/ledger`)).json()).collections, id);
}

async function fillPayment(page, caseId, amount) {
  await page.getByLabel('Case id', { exact: true }).fill(caseId);
  await page.getByLabel('Amount', { exact: true }).fill(amount);
  await page.getByLabel('Received date', { exact: true }).fill('2024-06-20');
  await page.getByLabel('Source', { exact: true }).selectOption('direct');
}

test('an accounting technician posts a payment once, however often it is sent', async () => {
  const page = await userPage('acct', { viewport: { width: 1280, height: 900 } });
  await page.getByRole('link', { name: 'Post a payment' }).click();
  await page.getByLabel('Case id', { exact: true }).waitFor();
  const keys = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/v1/payments')) keys.push(r.headers()['idempotency-key']);
  });
  await fillPayment(page, 'CASE-000003', '123.45');
  // A double click sends the entry once (or, if twice, under one key: the server answers exists).
  await page.getByRole('button', { name: 'Post payment' }).dblclick();
  const result = page.locator('#pay-result');
  await result.filter({ hasText: 'Posted: 123.45 to CASE-000003' }).waitFor();
  assert.ok(keys.length >= 1 && keys.every((k) => k === keys[0]), keys.join());
  assert.match(keys[0], /^WEB-[0-9a-f-]{32,36}$/);
  let paid = (await casePayments(page, 'CASE-000003')).filter((p) => p.amount === '123.45');
  assert.equal(paid.length, 1);
  // The next entry starts empty: pressing the button again cannot post the same payment twice.
  assert.equal(await page.getByLabel('Amount', { exact: true }).inputValue(), '');
  await page.getByRole('button', { name: 'Post payment' }).click();
  await result.filter({ hasText: 'Enter the case id' }).waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'payment-posted.png'), fullPage: true });

  // The answer is lost on the way back (the server posted it): a retry of the same entry
  // answers "already posted" and nothing is posted twice.
  await fillPayment(page, 'CASE-000003', '67.89');
  let lost = true;
  await page.route('**/v1/payments', async (route) => {
    if (!lost) return route.continue();
    lost = false;
    await route.fetch();  // reaches the server
    await route.abort('failed');
  });
  keys.length = 0;
  await page.getByRole('button', { name: 'Post payment' }).click();
  await result.filter({ hasText: 'could not be reached' }).waitFor();
  await page.getByRole('button', { name: 'Post payment' }).click();
  await result.filter({ hasText: 'Already posted' }).waitFor();
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1]);
  paid = (await casePayments(page, 'CASE-000003')).filter((p) => p.amount === '67.89');
  assert.equal(paid.length, 1);
  await page.unroute('**/v1/payments');
  // A changed field is a new entry with a new key; a refused entry shows the server's reason.
  const retried = keys[0];
  await fillPayment(page, 'CASE-000003', '10.001');
  keys.length = 0;
  await page.getByRole('button', { name: 'Post payment' }).click();
  await result.filter({ hasText: 'amount_too_many_decimals' }).waitFor();
  assert.equal(keys.length, 1);
  assert.notEqual(keys[0], retried);
  await page.close();
});

test('roles without payments.post have no payment form', async () => {
  const page = await userPage('cw_north');
  assert.equal(await page.locator('#nav-payments').isHidden(), true);
  await page.goto(base + '/#/payments');
  await page.locator('#error').filter({ hasText: 'may not post payments' }).waitFor();
  assert.equal(await page.locator('#payment-form').isVisible(), false);
  await page.close();
});

test('an outreach task shows its channel and message, not the channel numbers', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 },
                                      storageState: sessions.get('cw_north') });
  // The seed has no risk model, so no outreach task: one is added to the server's answer as the
  // nightly batch writes it (docs/API.md, Queue).
  const message = 'Hello Sam, this is your child support office. Your support of 500.00 a month is coming due.';
  const reason = 'sms: sms 0.60 (1 of 1 reached; population 0.50 over 0); email 0.50 (0 of 0 reached; population 0.50 over 0)';
  await page.route('**/v1/queue?*', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.items.unshift({ task_id: 999, kind: 'proactive_outreach', title: 'Proactive Outreach', case_id: 'CASE-000001',
                         obligor_id: 'PRS-000001', priority: 45, risk_score: 90, risk_tier: 'high', amount_at_stake: '500.00',
                         deadline: null, created: '2024-06-30', flagged: false, recommended_action: 'outreach',
                         channel: 'sms', channel_reason: reason, message, key_factors: [], recommendations: [] });
    body.total += 1;
    await route.fulfill({ response, json: body });
  });
  await page.goto(base + '/');
  const task = page.locator('#queue li.task[data-kind="proactive_outreach"]');
  await task.waitFor();
  assert.match(await task.innerText(), /recommended outreach ·/);
  assert.match(await task.locator('.channel').innerText(), /Channel: Text message \(SMS\)/);
  assert.equal(await task.locator('blockquote[aria-label="Message to send"]').innerText(), message);
  // The numbers are behind "Why this channel", not in the recommended action.
  assert.doesNotMatch(await task.locator('p').first().innerText(), /population/);
  await task.getByText('Why this channel').click();
  await task.locator('details p').filter({ hasText: 'population 0.50' }).waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'queue-outreach.png'), fullPage: true });
  await page.unroute('**/v1/queue?*');
  await page.close();
});

// ---- what a posted payment changed (POST /v1/payments `enforcement`) ----

const pendingOn = (page, id) => page.evaluate(async (c) =>
  (await (await fetch(`/v1/cases/${c}/recommendations`)).json()).items.filter((a) => a.state === 'recommended')
    .map((a) => a.id), id);

test('a payment that makes recommendations moot shows each one withdrawn; the case and queue are current', async () => {
  // The nightly batch left recommendations pending on CASE-000001 (Sam Doe's only case): a
  // payment of all the arrears makes the obligor current, and them moot.
  const sup = await userPage('sup_north');
  const pending = await pendingOn(sup, 'CASE-000001');
  await sup.close();
  assert.ok(pending.length >= 1, 'a recommendation pending on CASE-000001');
  const page = await userPage('acct', { viewport: { width: 1280, height: 900 } });
  const owed = await page.evaluate(async () => (await fetch('/v1/cases/CASE-000001/arrears')).json());
  const arrears = owed.arrears_total;
  assert.ok(Number(arrears) > 0 && owed.delinquent, JSON.stringify(owed));
  await page.getByRole('link', { name: 'Post a payment' }).click();
  await fillPayment(page, 'CASE-000001', arrears);
  const reply = page.waitForResponse((r) => r.url().endsWith('/v1/payments') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Post payment' }).click();
  await page.locator('#pay-result').filter({ hasText: `Posted: ${arrears} to CASE-000001` }).waitFor();
  // The reply follows the poster's role: an accounting technician reads no scores (no score,
  // no tier) and no queue (the withdrawn recommendations' ids and cases, not their remedies or
  // reasons).
  const event = (await (await reply).json()).enforcement;
  assert.equal(event.score_withheld, true, JSON.stringify(event));
  assert.equal(event.risk_tier, null, JSON.stringify(event));
  assert.ok(event.withdrawn_actions.length >= 1, JSON.stringify(event));
  for (const w of event.withdrawn_actions) {
    assert.ok(w.id && w.case_id && !('remedy' in w) && !('reason' in w), JSON.stringify(w));
  }
  const effects = page.locator('#pay-effects');
  await effects.filter({ hasText: 'withdrawn because of this payment' }).waitFor();
  for (const id of pending) {
    assert.equal(await effects.locator(`.withdrawn li[data-action="${id}"]`).count(), 1, `${id} listed`);
  }
  const shown = await effects.locator('.withdrawn li').count();
  assert.ok(shown >= pending.length);
  assert.match(await effects.innerText(), new RegExp(`After this payment:[\\s\\S]*${shown} recommendations? withdrawn`));
  // No model in the seed: no score line; the event ran, so no warning.
  assert.doesNotMatch(await effects.innerText(), /risk score|could not be used|failed/);
  await page.screenshot({ path: join(ARTIFACTS, 'payment-effects.png'), fullPage: true });
  // The case page reads its figures afresh after the post: the obligor is no longer delinquent
  // (what is left is this month's support, not yet past due).
  await page.goto(base + '/#/cases/CASE-000001');
  await page.locator('#arrears dd').first().waitFor();
  const now = await page.locator('#arrears').innerText();
  assert.match(now, /Delinquent\s+no/);
  assert.doesNotMatch(now, new RegExp(`Total\\s+${arrears.replace('.', '\\.')}\\b`));
  await page.close();
  // So does the caseworker's queue: the withdrawn recommendations are no longer offered.
  const cw = await userPage('cw_north');
  await cw.locator('#queue-count').filter({ hasText: 'as of' }).waitFor();
  for (const id of pending) assert.equal(await cw.locator(`#queue [data-action="${id}"]`).count(), 0, id);
  assert.deepEqual(await pendingOn(cw, 'CASE-000001'), []);
  await cw.close();
});

test('the payment page warns of a failed or rules-only event, shows server text as text, and nothing for no change',
     async () => {
  const page = await userPage('acct', { viewport: { width: 1280, height: 900 } });
  await page.getByRole('link', { name: 'Post a payment' }).click();
  await page.getByLabel('Case id', { exact: true }).waitFor();
  // The server's answer is replaced (nothing is posted) by each payment event's answer in turn.
  let enforcement;
  await page.route('**/v1/payments', (route) => route.fulfill({ status: 201, json: {
    result: 'created', collection_id: 9001, key: 'WEB-x', distribution: {}, redistributed: false, enforcement } }));
  const effects = page.locator('#pay-effects');
  const post = async (e) => {
    enforcement = e;
    await fillPayment(page, 'CASE-000003', '1.00');
    await page.getByRole('button', { name: 'Post payment' }).click();
    await page.locator('#pay-result').filter({ hasText: 'Posted: 1.00 to CASE-000003' }).waitFor();
  };
  // A scored event that closed outreach and withdrew a recommendation whose reason holds markup.
  const markup = '<img src=x onerror="window.pwned=1">';
  await post({ risk_score_100: 71, risk_tier: 'high', outreach_tasks_closed: 2, tasks_refreshed: 1,
               withdrawn: ['ACT-000777'], model_unusable: null,
               withdrawn_actions: [{ id: 'ACT-000777', remedy: 'credit_bureau', reason: `payment posted ${markup}` }] });
  await effects.filter({ hasText: 'After this payment' }).waitFor();
  const said = await effects.innerText();
  assert.match(said, /New risk score for the obligor: 71 — high risk\./);
  assert.match(said, /2 outreach tasks closed: payment received\./);
  assert.match(said, /1 open task updated to the obligor's figures after this payment/);
  assert.equal(await effects.locator('.withdrawn li[data-action="ACT-000777"]').innerText(),
               `ACT-000777: credit bureau — payment posted ${markup}`);
  assert.equal(await effects.locator('img').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await page.screenshot({ path: join(ARTIFACTS, 'payment-effects-scored.png'), fullPage: true });
  // An active model that could not be used: the event ran on the rules only.
  await post({ risk_score_100: null, outreach_tasks_closed: 0, tasks_refreshed: 0, withdrawn: [],
               model_unusable: 'model_corrupt: the booster <b>cannot</b> be read' });
  await effects.locator('.warning').filter({ hasText: 'rules only' }).waitFor();
  assert.match(await effects.innerText(), /risk model could not be used \(model_corrupt: the booster <b>cannot<\/b> be read\)/);
  assert.equal(await effects.locator('b, li').count(), 0);
  // The event failed after the posting: the payment stands.
  await post({ error: 'store_busy' });
  await effects.locator('.warning').filter({ hasText: 'stays posted' }).waitFor();
  assert.match(await effects.innerText(), /\(store_busy\)[\s\S]*next nightly run/);
  // Nothing changed, or no event at all: nothing beyond "Posted".
  for (const e of [{ risk_score_100: null, outreach_tasks_closed: 0, tasks_refreshed: 0, withdrawn: [],
                     model_unusable: null }, {}]) {
    await post(e);
    assert.equal(await effects.innerText(), '');
    assert.equal(await effects.isVisible(), false);
  }
  await page.unroute('**/v1/payments');
  await page.close();
});
