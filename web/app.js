// OpenCSE web app: sign-in, the prioritized queue with approvals, caseload and case page over the JSON API (docs/API.md). No
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
  for (const s of ['signin', 'dashboard', 'supervisor', 'case']) $(s).hidden = s !== id;
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
  $('nav-supervisor').hidden = !(who.permissions || []).includes('team.read');
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

// ---- the queue (GET /v1/queue) and decisions (POST /v1/recommendations/{id}/...) ----

const REMEDIES = ['reminder', 'outreach_call', 'payment_plan_offer', 'order_review_referral',
  'income_withholding', 'tax_offset', 'admin_offset', 'credit_bureau', 'passport_denial',
  'bank_levy', 'property_lien', 'license_suspension', 'contempt_referral'];
const words = (code) => String(code || '').replaceAll('_', ' ');

function queueQuery() {
  const q = new URLSearchParams({ limit: '50' });
  if ($('f-tier').value) q.set('tier', $('f-tier').value);
  if ($('f-action').value) q.set('action_type', $('f-action').value);
  if ($('f-deadline').value) q.set('deadline_before', $('f-deadline').value);
  return q.toString();
}

// One pending recommendation with its decision form: a labelled reason, approve, modify (with
// the remedy chosen instead) and dismiss. The reason is required to modify or dismiss.
function recommendationForm(rec) {
  const form = document.createElement('form');
  form.className = 'decide';
  form.dataset.action = rec.id;
  form.setAttribute('aria-label', `Decide ${rec.id}`);
  const title = text('p', `${rec.id}: ${words(rec.remedy)} (rank ${rec.rank}, confidence ` +
                           `${Math.round(100 * Number(rec.confidence))}%)`, 'rec');
  const why = text('p', rec.rationale || '', 'note');
  const reasonId = `reason-${rec.id}`, insteadId = `instead-${rec.id}`;
  const reasonLabel = text('label', 'Reason (required to modify or dismiss)');
  reasonLabel.htmlFor = reasonId;
  const reason = document.createElement('input');
  reason.id = reasonId;
  reason.name = 'reason';
  reason.maxLength = 1000;
  const insteadLabel = text('label', 'Remedy instead (for modify)');
  insteadLabel.htmlFor = insteadId;
  const instead = document.createElement('select');
  instead.id = insteadId;
  instead.append(new Option('—', ''), ...REMEDIES.filter((r) => r !== rec.remedy)
    .map((r) => new Option(words(r), r)));
  const msg = text('p', '', 'error');
  msg.setAttribute('role', 'alert');
  const buttons = document.createElement('div');
  buttons.className = 'buttons';
  for (const verb of ['approve', 'modify', 'dismiss']) {
    const b = text('button', verb[0].toUpperCase() + verb.slice(1));
    b.type = 'button';
    b.addEventListener('click', () => decide(form, rec.id, verb, reason, instead, msg));
    buttons.append(b);
  }
  form.append(title, why, reasonLabel, reason, insteadLabel, instead, buttons, msg);
  form.addEventListener('submit', (ev) => ev.preventDefault());
  return form;
}

async function decide(form, id, verb, reason, instead, msg) {
  msg.textContent = '';
  const body = { reason: reason.value.trim() };
  if (verb !== 'approve' && !body.reason) {
    msg.textContent = `A reason is required to ${verb} a recommendation.`;
    reason.setAttribute('aria-invalid', 'true');
    reason.focus();
    return;
  }
  if (verb === 'modify') {
    if (!instead.value) { msg.textContent = 'Choose the remedy to use instead.'; instead.focus(); return; }
    body.remedy = instead.value;
  }
  try {
    const a = await api('POST', `/v1/recommendations/${encodeURIComponent(id)}/${verb}`, body);
    form.replaceChildren(text('p', `${a.id}: ${words(a.remedy)} — ${a.state} by ${a.decided_by}` +
                                   (a.decision_reason ? ` (“${a.decision_reason}”)` : ''), 'done'));
    form.setAttribute('role', 'status');
  } catch (err) {
    if (err.status === 401) { signedOut(); return; }
    msg.textContent = `${err.message} (${err.code || 'error'})`;
  }
}

async function loadQueue() {
  let q;
  try { q = await api('GET', `/v1/queue?${queueQuery()}`); }
  catch (err) {
    if (err.code === 'permission_denied') { $('queue-count').textContent = 'No queue for your role.'; return; }
    throw err;
  }
  $('queue-count').textContent = `${q.total} open task${q.total === 1 ? '' : 's'} as of ${q.as_of}` +
                                 (q.items.length < q.total ? ` (first ${q.items.length} shown)` : '');
  $('queue').replaceChildren(...q.items.map((t) => {
    const li = document.createElement('li');
    li.className = 'task';
    const head = document.createElement('h3');
    if (t.case_id) {
      const a = text('a', t.case_id);
      a.href = `#/cases/${t.case_id}`;
      head.append(a, ' · ');
    }
    head.append(t.title);
    const facts = text('p', `Risk ${t.risk_score} — ${t.risk_tier} · at stake ${t.amount_at_stake}` +
                           ` · deadline ${t.deadline || 'none'} · recommended ` +
                           `${words(t.recommended_action) || 'none'} · priority ${t.priority.toFixed(1)}`,
                       `tier-${String(t.risk_tier).toUpperCase()}`);
    const factors = document.createElement('ul');
    factors.setAttribute('aria-label', 'Key factors');
    for (const f of Array.isArray(t.key_factors) ? t.key_factors : []) {
      factors.append(text('li', f.text || words(f.code)));
    }
    li.append(head, facts, factors, ...t.recommendations.map(recommendationForm));
    return li;
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
  try {
    const recs = await api('GET', `/v1/cases/${encodeURIComponent(id)}/recommendations`);
    $('actions').replaceChildren(...recs.items.map((a) => {
      const tr = document.createElement('tr');
      tr.append(text('td', a.id), text('td', words(a.remedy)), text('td', words(a.state)),
                text('td', a.decided_by || ''), text('td', a.decision_reason || ''));
      return tr;
    }));
  } catch (err) { if (err.code !== 'permission_denied') throw err; }
  await loadNotes(id);
  const audit = await api('GET', `/v1/cases/${encodeURIComponent(id)}/audit`);
  $('audit').replaceChildren(...audit.items.map((r) => {
    const tr = document.createElement('tr');
    tr.append(text('td', r.at), text('td', r.actor), text('td', r.action.replace('enforce.', '')),
              text('td', `${r.entity_id} ${words(r.remedy)}`), text('td', r.reason || ''));
    return tr;
  }));
  $('case-title').focus();
}

// ---- case notes (GET/POST /v1/cases/{id}/notes) ----

async function loadNotes(id) {
  const n = await api('GET', `/v1/cases/${encodeURIComponent(id)}/notes`);
  $('notes').replaceChildren(...n.items.map((note) => {
    const li = document.createElement('li');
    li.className = 'note';
    li.append(text('p', `${note.at.slice(0, 16).replace('T', ' ')} · ${note.author}`, 'meta'),
              text('p', note.text, 'note-text'));
    return li;
  }));
  if (n.items.length === 0) $('notes').replaceChildren(text('li', 'No notes yet.', 'meta'));
}

$('note-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const id = location.hash.split('/')[2];
  const msg = $('note-msg');
  const value = $('note-text').value;
  msg.textContent = '';
  if (!value.trim()) { msg.textContent = 'Write the note first.'; $('note-text').focus(); return; }
  try {
    await api('POST', `/v1/cases/${encodeURIComponent(id)}/notes`, { text: value });
    $('note-text').value = '';
    msg.textContent = 'Note added.';
    await loadNotes(id);
  } catch (err) {
    if (err.status === 401) { signedOut(); return; }
    msg.textContent = `${err.message} (${err.code || 'error'})`;
  }
});

function row(...cells) {
  const tr = document.createElement('tr');
  tr.append(...cells.map((c) => text('td', c === null || c === undefined ? '' : String(c))));
  return tr;
}

async function openSupervisor() {
  show('supervisor');
  const s = await api('GET', '/v1/supervisor');
  $('sup-summary').textContent = `${s.pending_total} recommendation${s.pending_total === 1 ? '' : 's'}` +
    ` awaiting a decision` + (s.oldest_pending_days === null ? '' : `, the oldest ${s.oldest_pending_days} days`) +
    ` · as of ${s.as_of}` + (s.office ? ` · office ${s.office}` : ' · statewide');
  $('workload').replaceChildren(...s.workload.map((w) => row(w.worker, w.open_tasks, w.flagged)));
  $('pending').replaceChildren(...s.pending.map((p) =>
    row(p.id, p.case_id, words(p.remedy), p.recommended_on, p.age_days, p.legal_deadline)));
  $('acceptance').replaceChildren(...s.acceptance.map((m) =>
    row(m.month, m.recommended, m.approved, m.modified, m.dismissed, m.pending,
        m.acceptance_rate === null ? '—' : `${Math.round(100 * m.acceptance_rate)}%`)));
  $('sup-title').tabIndex = -1;
  $('sup-title').focus();
}

async function route() {
  const m = location.hash.match(/^#\/cases\/([A-Za-z0-9-]+)$/);
  try {
    if (m) await openCase(m[1]);
    else if (location.hash === '#/supervisor') await openSupervisor();
    else { show('dashboard'); await loadQueue(); await loadCases(true); }
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
$('f-action').append(...REMEDIES.map((r) => new Option(words(r), r)));
$('queue-filters').addEventListener('submit', (ev) => { ev.preventDefault(); loadQueue().catch(fail); });
$('more').addEventListener('click', () => loadCases(false).catch(fail));
$('score-run').addEventListener('click', async () => {
  const id = location.hash.split('/')[2];
  try { renderScore(await api('POST', '/v1/child-support/score', { case_id: id })); }
  catch (err) { fail(err); }
});
window.addEventListener('hashchange', () => { if (state.csrf) route(); });
$('case-title').tabIndex = -1;

api('GET', '/v1/session').then(signedIn).catch(signedOut);
