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
  await page.getByRole('link', { name: 'CASE-000001' }).click();
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
