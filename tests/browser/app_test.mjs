// Browser tests of the web app: Debian's chromium (never a downloaded browser) driven by
// playwright-core, against `opencse serve` on a loopback port with a seeded database.
// Run by ctest (tests/CMakeLists.txt) as `node --test`; screenshots go to $ARTIFACT_DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
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
  cli('case', 'add', '--obligor', a, '--obligee', b, '--county', 'north', '--opened', '2024-01-01');
  cli('case', 'add', '--obligor', c, '--obligee', d, '--county', 'south', '--opened', '2024-01-01',
      '--family-violence');
  cli('order', 'add', '--case', 'CASE-000001', '--amount', '500.00', '--effective', '2024-01-01');
  cli('order', 'add', '--case', 'CASE-000002', '--amount', '300.00', '--effective', '2024-01-01');
  cli('post-payment', '--case', 'CASE-000001', '--amount', '250.00', '--date', '2024-06-10',
      '--source', 'withholding', '--key', 'SDU-1');
  addUser('cw_north', 'caseworker', 'north');
  addUser('atty', 'attorney', '');
  addUser('sup_north', 'supervisor', 'north');
  // The nightly batch (rules only: no model trained) recommends and queues the review tasks
  // for the only caseworker; the queue shows the ones of their office.
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
  await signIn(page, 'cw_north');
  const rows = page.locator('#cases tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);  // only the north office's case
  await page.screenshot({ path: join(ARTIFACTS, 'caseload.png'), fullPage: true });
  await page.locator('#cases').getByRole('link', { name: 'CASE-000001' }).click();
  await page.locator('#parties li').first().waitFor();
  assert.match(await page.locator('#parties').innerText(), /obligor: Sam Doe/);
  assert.match(await page.locator('#orders').innerText(), /500\.00 monthly/);
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
  const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
  await signIn(page, 'cw_north');
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
  const page = await browser.newPage();
  await signIn(page, 'cw_north');
  await page.goto(base + '/#/cases/CASE-000002');
  await page.locator('#error').filter({ hasText: 'case_not_in_caseload' }).waitFor();
  assert.equal(await page.locator('#parties li').count(), 0);
  await page.screenshot({ path: join(ARTIFACTS, 'outside-caseload.png') });
  await page.close();
});

test('family violence hides addresses from a caseworker but not from an attorney', async () => {
  const page = await browser.newPage();
  await signIn(page, 'atty');
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
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await signIn(page, 'cw_north');
  const tasks = page.locator('#queue li.task');
  await tasks.first().waitFor();
  assert.equal(await tasks.count(), 1);  // only the north office's case
  const task = tasks.first();
  assert.match(await task.innerText(), /CASE-000001/);
  assert.match(await task.innerText(), /Risk \d+ — (low|medium|high)/);
  assert.match(await page.locator('#queue-count').innerText(), /1 open task as of 2024-06-30/);
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
  assert.match(await page.locator('#actions').innerText(), new RegExp(`${approveId}.*approved`));
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
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, 'sup_north');
  await page.getByRole('link', { name: 'Supervisor' }).click();
  await page.locator('#workload tr').first().waitFor();
  assert.match(await page.locator('#workload').innerText(), /cw_north\s+1/);
  assert.match(await page.locator('#sup-summary').innerText(), /awaiting a decision/);
  assert.match(await page.locator('#acceptance').innerText(), /2024-06/);
  await page.screenshot({ path: join(ARTIFACTS, 'supervisor.png'), fullPage: true });
  // A caseworker has no link and the API refuses the page.
  const cw = await browser.newPage();
  await signIn(cw, 'cw_north');
  assert.equal(await cw.locator('#nav-supervisor').isHidden(), true);
  await cw.goto(base + '/#/supervisor');
  await cw.locator('#error').filter({ hasText: 'permission_denied' }).waitFor();
  await cw.close();
  await page.close();
});
