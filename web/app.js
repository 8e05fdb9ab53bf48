// OpenCSE web app: sign-in, caseload and case page over the JSON API (docs/API.md). No
// business logic here: every number comes from the server. No external scripts.
'use strict';

const state = { csrf: '', after: 0 };
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin',
                                  body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({ code: 'bad_response', message: res.statusText }));
  if (!res.ok) throw Object.assign(new Error(data.message), { code: data.code, status: res.status });
  return data;
}

function show(id) {
  for (const s of ['signin', 'dashboard', 'case']) $(s).hidden = s !== id;
  $('error').textContent = '';
}

function text(tag, value, cls) {
  const el = document.createElement(tag);
  el.textContent = value;
  if (cls) el.className = cls;
  return el;
}

function fail(err) {
  if (err.status === 401) { signedOut(); return; }
  $('error').textContent = `${err.message} (${err.code || 'error'})`;
}

function signedOut() {
  state.csrf = '';
  $('account').hidden = true;
  show('signin');
  $('username').focus();
}

function signedIn(who) {
  state.csrf = who.csrf_token || '';
  $('who').textContent = `${who.username} · ${who.role.replace('_', ' ')}` +
                         (who.office ? ` · ${who.office}` : '');
  $('account').hidden = false;
  route();
}

async function loadCases(reset) {
  if (reset) { state.after = 0; $('cases').replaceChildren(); }
  const page = await api('GET', `/v1/cases?limit=50&after=${state.after}`);
  for (const c of page.items) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    const a = text('a', c.id);
    a.href = `#/cases/${c.id}`;
    td.append(a);
    tr.append(td, text('td', c.case_type.replaceAll('_', ' ')), text('td', c.office),
              text('td', c.opened), text('td', c.status));
    $('cases').append(tr);
  }
  state.after = page.next_after || 0;
  $('more').hidden = page.next_after === null;
}

function renderScore(s) {
  const box = $('score');
  box.replaceChildren();
  if (!s) { box.append(text('p', 'Not scored yet.', 'note')); return; }
  box.append(text('p', `${s.risk_score_100} — ${s.risk_tier} (as of ${s.as_of})`,
                  `tier-${s.risk_tier}`));
  const ul = document.createElement('ul');
  for (const f of s.key_factors || []) {
    ul.append(text('li', `${f.direction === 'increases_risk' ? '▲' : '▼'} ${f.text}`));
  }
  box.append(ul);
}

// Due vs paid per month as a table with a bar per figure (widths relative to the largest).
function renderHistory(months) {
  const top = Math.max(1, ...months.flatMap((m) => [Number(m.due), Number(m.paid)]));
  $('history').replaceChildren(...months.map((m) => {
    const tr = document.createElement('tr');
    const chart = document.createElement('td');
    chart.className = 'chart';
    chart.setAttribute('aria-hidden', 'true');
    for (const [cls, value] of [['bar-due', m.due], ['bar-paid', m.paid]]) {
      const bar = document.createElement('div');
      bar.className = `bar ${cls}`;
      bar.style.width = `${(100 * Number(value)) / top}%`;
      if (Number(value) === 0) bar.style.visibility = 'hidden';
      chart.append(bar);
    }
    tr.append(text('td', m.month), text('td', m.due), text('td', m.paid), chart);
    return tr;
  }));
}

async function openCase(id) {
  show('case');
  $('case-title').textContent = id;
  const c = await api('GET', `/v1/cases/${encodeURIComponent(id)}`);
  $('case-title').textContent = `${c.case.id} · ${c.case.case_type.replaceAll('_', ' ')}` +
                                (c.case.family_violence ? ' · family violence indicated' : '');
  $('parties').replaceChildren(...c.parties.map((p) => text('li',
      `${p.case_role}: ${p.first_name} ${p.last_name}` +
      (p.address_protected ? ' (address protected)'
                           : p.address && p.address.city ? ` — ${p.address.city}` : ''))));
  $('orders').replaceChildren(...c.orders.map((o) => text('li',
      `${o.id}: ${o.amount} ${o.frequency} from ${o.effective_date}`)));
  try {
    const a = await api('GET', `/v1/cases/${encodeURIComponent(id)}/arrears`);
    const dl = $('arrears');
    dl.replaceChildren(text('dt', 'Total'), text('dd', a.arrears_total),
                       text('dt', 'Delinquent'), text('dd', a.delinquent ? 'yes' : 'no'));
    for (const [bucket, amount] of Object.entries(a.arrears_by_bucket || {})) {
      dl.append(text('dt', bucket.replaceAll('_', ' ')), text('dd', amount));
    }
    const h = await api('GET', `/v1/cases/${encodeURIComponent(id)}/history?months=12`);
    renderHistory(h.months);
    const l = await api('GET', `/v1/cases/${encodeURIComponent(id)}/ledger`);
    $('payments').replaceChildren(...l.collections.map((p) => {
      const tr = document.createElement('tr');
      tr.append(text('td', p.date), text('td', p.amount),
                text('td', p.source), text('td', p.reversed_as_of ? 'yes' : ''));
      return tr;
    }));
  } catch (err) { if (err.code !== 'permission_denied') throw err; }
  try {
    const scores = await api('GET', `/v1/cases/${encodeURIComponent(id)}/scores`);
    renderScore(scores.items[0]);
  } catch (err) { if (err.code !== 'permission_denied') throw err; renderScore(null); }
  $('case-title').focus();
}

async function route() {
  const m = location.hash.match(/^#\/cases\/([A-Za-z0-9-]+)$/);
  try {
    if (m) await openCase(m[1]);
    else { show('dashboard'); await loadCases(true); }
  } catch (err) { fail(err); }
}

$('signin-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('signin-error').textContent = '';
  try {
    signedIn(await api('POST', '/v1/session',
                       { username: $('username').value, password: $('password').value }));
    $('password').value = '';
  } catch (err) { $('signin-error').textContent = err.message; }
});
$('signout').addEventListener('click', async () => {
  try { await api('DELETE', '/v1/session'); } catch (err) { /* already gone */ }
  signedOut();
});
$('more').addEventListener('click', () => loadCases(false).catch(fail));
$('score-run').addEventListener('click', async () => {
  const id = location.hash.split('/')[2];
  try { renderScore(await api('POST', '/v1/child-support/score', { case_id: id })); }
  catch (err) { fail(err); }
});
window.addEventListener('hashchange', () => { if (state.csrf) route(); });
$('case-title').tabIndex = -1;

api('GET', '/v1/session').then(signedIn).catch(signedOut);
