// OpenCSE web app: sign-in, the prioritized queue with approvals, caseload and case page over the JSON API (docs/API.md). No
// business logic here: every number comes from the server, and so do the permissions and the remedies the signed-in
// person may decide (the session's `permissions` and `decidable_remedies`). No external scripts.
'use strict';

// who: the signed-in person (GET/POST /v1/session), null when signed out. view: the AbortController of the page being
// loaded (route); starting another page or signing out aborts it, so a late answer never lands on the next page.
// search: the text of the search shown and the case id its next page starts after. paymentKey: the idempotency key of
// the payment entry in the form (kept for retries of the same entry, renewed when a field changes or it is posted).
const state = { csrf: '', who: null, view: null, after: 0, queueAfter: null, queueGen: 0,
                search: { q: '', after: null }, paymentKey: '' };
const $ = (id) => document.getElementById(id);
const can = (permission) => !!state.who && (state.who.permissions || []).includes(permission);
const mayDecide = (remedy) => !!state.who && (state.who.decidable_remedies || []).includes(remedy);
const words = (code) => String(code || '').replaceAll('_', ' ');
const enc = encodeURIComponent;
const NOTE_CHARS_MAX = 2000;     // the server's limit (docs/API.md, Case notes): characters
const REASON_CHARACTERS_MAX = 200;  // a text field (docs/API.md, Conventions)
const EXPIRED = 'Your session expired: sign in again. Text you had not saved (a note or a reason) was not saved.';

async function api(method, path, body, signal, extraHeaders) {
  const headers = { 'Accept': 'application/json', ...extraHeaders };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  let res;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', signal,
                              body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw Object.assign(new Error('the server could not be reached'), { code: 'network_error' });
  }
  const data = await res.json().catch(() => ({ code: 'bad_response', message: res.statusText }));
  if (!res.ok) throw Object.assign(new Error(data.message), { code: data.code, status: res.status });
  return data;
}

const stale = () => Object.assign(new Error('a newer page replaced this one'), { name: 'AbortError' });
const isAbort = (err) => err && err.name === 'AbortError';

// A GET for the page of `signal`: refused (AbortError) once that page is no longer the current one, even when the
// answer had already arrived.
async function get(signal, path) {
  const data = await api('GET', path, undefined, signal);
  if (signal.aborted) throw stale();
  return data;
}

// Starts loading a new page: the previous page's requests are aborted and their answers dropped.
function newView() {
  if (state.view) state.view.abort();
  state.view = new AbortController();
  return state.view.signal;
}

function show(id) {
  for (const s of ['signin', 'dashboard', 'supervisor', 'case', 'search', 'payment']) $(s).hidden = s !== id;
  $('error').textContent = '';
}

function text(tag, value, cls) {
  const el = document.createElement(tag);
  el.textContent = value;
  if (cls) el.className = cls;
  return el;
}

function link(label, href) {
  const a = text('a', label);
  a.href = href;
  return a;
}

// An error the user must see: at the top of the page, scrolled into view and focused (and announced: role="alert").
function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.scrollIntoView({ block: 'nearest' });
  box.focus();
}

function fail(err) {
  if (isAbort(err)) return;
  if (err.status === 401) { sessionLost(err); return; }
  showError(`${err.message} (${err.code || 'error'})`);
}

// Empties every section of the case page: nothing of one case (or one user) is ever shown with another.
function clearCase() {
  for (const id of ['parties', 'orders', 'arrears', 'score', 'history', 'payments', 'actions', 'decisions', 'notes',
                    'audit']) {
    $(id).replaceChildren();
  }
  for (const id of ['case-title', 'note-msg', 'score-msg']) $(id).textContent = '';
  $('note-text').value = '';
  $('note-chars').textContent = '0';
  $('note-form').dataset.case = '';
  $('score-run').dataset.case = '';
  $('case-body').hidden = true;  // shown once the case itself is answered
}

// Empties everything a signed-in person was shown.
function clearAll() {
  clearCase();
  for (const id of ['queue', 'cases', 'workload', 'pending', 'acceptance', 'search-results']) $(id).replaceChildren();
  for (const id of ['queue-count', 'sup-summary', 'who', 'error', 'signin-error', 'search-summary', 'pay-result']) {
    $(id).textContent = '';
  }
  $('queue-filters').reset();
  $('search-form').reset();
  $('payment-form').reset();
  $('pay-effects').replaceChildren();
  $('search-more').hidden = true;
  state.search = { q: '', after: null };
  state.paymentKey = '';
  $('queue-more').hidden = true;
  $('more').hidden = true;
  state.after = 0;
  state.queueAfter = null;
}

function signedOut(message) {
  newView();
  state.csrf = '';
  state.who = null;
  clearAll();
  $('account').hidden = true;
  show('signin');
  $('signin-error').textContent = message || '';
  $('username').focus();
}

// The server answered 401: the session ended (idle or absolute expiry) or never was. The page keeps its address, so
// signing in again returns to it; everything it showed is cleared.
function sessionLost(err) {
  const expired = state.who !== null || (err && err.code === 'session_expired');
  signedOut(expired ? EXPIRED : '');
}

function signedIn(who) {
  state.who = who;
  state.csrf = who.csrf_token || '';
  $('signin-error').textContent = '';
  $('who').textContent = `${who.username} · ${who.role.replace('_', ' ')}` + (who.office ? ` · ${who.office}` : '');
  $('account').hidden = false;
  $('nav-supervisor').hidden = !can('team.read');
  $('nav-payments').hidden = !can('payments.post');
  // What the role may use (the server refuses the rest anyway).
  $('note-form').hidden = !can('notes.write');
  $('score-run').hidden = !can('scores.run');
  $('arrears-box').hidden = $('history-box').hidden = $('payments-box').hidden = !can('ledger.read');
  $('score-box').hidden = !can('scores.read');
  $('actions-box').hidden = $('audit-box').hidden = !can('queue.read');
  route();
}

// ---- the dashboard: the queue (GET /v1/queue) and the caseload (GET /v1/cases) ----

async function loadCases(signal, reset) {
  if (reset) { state.after = 0; $('cases').replaceChildren(); }
  const page = await get(signal, `/v1/cases?limit=50&after=${state.after}`);
  for (const c of page.items) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.append(link(c.id, `#/cases/${c.id}`));
    tr.append(td, text('td', words(c.case_type)), text('td', c.office), text('td', c.opened), text('td', c.status));
    $('cases').append(tr);
  }
  state.after = page.next_after || 0;
  $('more').hidden = page.next_after === null;
}

const REMEDIES = ['reminder', 'outreach_call', 'payment_plan_offer', 'order_review_referral',
  'income_withholding', 'tax_offset', 'admin_offset', 'credit_bureau', 'passport_denial',
  'bank_levy', 'property_lien', 'license_suspension', 'contempt_referral'];

function queueQuery() {
  const q = new URLSearchParams({ limit: '50' });
  if ($('f-tier').value) q.set('tier', $('f-tier').value);
  if ($('f-action').value) q.set('action_type', $('f-action').value);
  if ($('f-deadline').value) q.set('deadline_before', $('f-deadline').value);
  if (state.queueAfter !== null) q.set('after', String(state.queueAfter));
  return q.toString();
}

// How an outreach task's channel (GET /v1/queue `channel`) reaches the person.
const CHANNELS = { sms: 'Text message (SMS)', email: 'Email', phone: 'Phone call',
                   none: 'Letter (no usable SMS, email or phone)' };

// An outreach task: the channel to use, the message to send (or the call script) and, folded, the numbers the channel
// was chosen by (`channel_reason`).
function outreachParts(t) {
  const parts = [text('p', `Channel: ${CHANNELS[t.channel] || words(t.channel) || 'not chosen'}`, 'channel')];
  const message = document.createElement('blockquote');
  message.className = 'outreach-message';
  message.setAttribute('aria-label', t.channel === 'phone' ? 'Call script' : 'Message to send');
  message.textContent = t.message || '';
  parts.push(message);
  if (t.channel_reason) {
    const why = document.createElement('details');
    why.append(text('summary', 'Why this channel'), text('p', t.channel_reason, 'note'));
    parts.push(why);
  }
  return parts;
}

function taskItem(t) {
  const li = document.createElement('li');
  li.className = 'task';
  li.dataset.task = t.task_id;
  li.dataset.kind = t.kind;
  const head = document.createElement('h3');
  if (t.case_id) head.append(link(t.case_id, `#/cases/${t.case_id}`), ' · ');
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
  li.append(head, facts);
  if (t.kind === 'proactive_outreach') li.append(...outreachParts(t));
  else if (t.message && t.kind !== 'review_recommendations') li.append(text('p', t.message, 'note'));
  li.append(factors, ...t.recommendations.map((r) => recommendationForm(r, () => {})));
  return li;
}

// The queue's first page (reset) or the next one ("More tasks"). A newer load (filters applied again, another page)
// makes an older one drop its answer.
async function loadQueue(signal, reset) {
  if (!can('queue.read')) { $('queue-count').textContent = 'No queue for your role.'; return; }
  if (reset) { ++state.queueGen; state.queueAfter = null; $('queue').replaceChildren(); $('queue-more').hidden = true; }
  const gen = state.queueGen;
  let q;
  try {
    q = await get(signal, `/v1/queue?${queueQuery()}`);
  } catch (err) {
    if (!reset && err.code === 'cursor_not_in_queue') return loadQueue(signal, true);  // the list changed: start over
    throw err;
  }
  if (gen !== state.queueGen) return;
  $('queue').append(...q.items.map(taskItem));
  state.queueAfter = q.next_after;
  $('queue-more').hidden = q.next_after === null;
  const shown = $('queue').children.length;
  $('queue-count').textContent = `${q.total} open task${q.total === 1 ? '' : 's'} as of ${q.as_of}` +
                                 (shown < q.total ? ` (${shown} shown)` : '');
}

async function openDashboard(signal) {
  show('dashboard');
  $('cases').replaceChildren();
  await loadQueue(signal, true);
  await loadCases(signal, true);
}

// ---- decisions (POST /v1/recommendations/{id}/approve|modify|dismiss) ----

// One pending recommendation. When the signed-in role may decide its remedy: a form with a labelled reason, approve,
// modify (with the remedy chosen instead, among those the role may decide) and dismiss; the reason is required to
// modify or dismiss. Otherwise a line saying the role may not decide it. `onDecided(action)` runs after a decision.
function recommendationForm(rec, onDecided) {
  const title = text('p', `${rec.id}: ${words(rec.remedy)} (rank ${rec.rank}, confidence ` +
                          `${Math.round(100 * Number(rec.confidence))}%)`, 'rec');
  const why = text('p', rec.rationale || '', 'note');
  if (!mayDecide(rec.remedy)) {
    const box = document.createElement('div');
    box.className = 'decide-other';
    box.dataset.action = rec.id;
    box.append(title, why, text('p', `Your role may not approve, modify or dismiss a ${words(rec.remedy)}; ` +
                                     'it awaits a person whose role may.', 'note'));
    return box;
  }
  const form = document.createElement('form');
  form.className = 'decide';
  form.dataset.action = rec.id;
  form.setAttribute('aria-label', `Decide ${rec.id}`);
  const reasonId = `reason-${rec.id}`, insteadId = `instead-${rec.id}`;
  const reasonLabel = text('label', 'Reason (required to modify or dismiss)');
  reasonLabel.htmlFor = reasonId;
  const reason = document.createElement('input');
  reason.id = reasonId;
  reason.name = 'reason';
  reason.maxLength = REASON_CHARACTERS_MAX;
  reason.setAttribute('aria-describedby', `${reasonId}-help`);
  const help = text('p', `Up to ${REASON_CHARACTERS_MAX} characters.`, 'help');
  help.id = `${reasonId}-help`;
  const insteadLabel = text('label', 'Remedy instead (for modify)');
  insteadLabel.htmlFor = insteadId;
  const instead = document.createElement('select');
  instead.id = insteadId;
  instead.append(new Option('—', ''), ...REMEDIES.filter((r) => r !== rec.remedy && mayDecide(r))
    .map((r) => new Option(words(r), r)));
  const msg = text('p', '', 'error');
  msg.setAttribute('role', 'alert');
  const buttons = document.createElement('div');
  buttons.className = 'buttons';
  const controls = { form, reason, instead, msg, buttons, onDecided };
  for (const verb of ['approve', 'modify', 'dismiss']) {
    const b = text('button', verb[0].toUpperCase() + verb.slice(1));
    b.type = 'button';
    b.addEventListener('click', () => decide(controls, rec.id, verb));
    buttons.append(b);
  }
  form.append(title, why, reasonLabel, reason, help, insteadLabel, instead, buttons, msg);
  form.addEventListener('submit', (ev) => ev.preventDefault());
  return form;
}

async function decide({ form, reason, instead, msg, buttons, onDecided }, id, verb) {
  if (form.dataset.busy) return;  // a decision of this form is in flight (double click, Enter twice)
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
  form.dataset.busy = '1';
  for (const b of buttons.children) b.disabled = true;
  try {
    const a = await api('POST', `/v1/recommendations/${enc(id)}/${verb}`, body);
    form.replaceChildren(text('p', `${a.id}: ${words(a.remedy)} — ${a.state} by ${a.decided_by}` +
                                   (a.decision_reason ? ` (“${a.decision_reason}”)` : ''), 'done'));
    form.setAttribute('role', 'status');
    onDecided(a);
  } catch (err) {
    if (err.status === 401) { sessionLost(err); return; }
    msg.textContent = `${err.message} (${err.code || 'error'})`;
  } finally {
    delete form.dataset.busy;
    for (const b of buttons.children) b.disabled = false;
  }
}

// ---- the case page ----

function orderText(o, asOf) {
  const ended = o.end_date && asOf && o.end_date < asOf;
  const parts = [`${o.id}: ${words(o.type)}`, `${o.amount} ${o.frequency}`,
                 `from ${o.effective_date}` + (o.end_date ? ` to ${o.end_date}${ended ? ' (ended)' : ''}` : ', no end date')];
  if (o.judgment && Number(o.judgment) !== 0) parts.push(`judgment ${o.judgment}`);
  return parts.join(' · ');
}

function renderOrders(orders, asOf) {
  $('orders').replaceChildren(...orders.map((o) => text('li', orderText(o, asOf))));
}

function renderScore(s) {
  const box = $('score');
  box.replaceChildren();
  if (!s) { box.append(text('p', 'Not scored yet.', 'note')); return; }
  box.append(text('p', `${s.risk_score_100} — ${s.risk_tier} (as of ${s.as_of})`, `tier-${s.risk_tier}`));
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

async function loadLedger(id, signal, orders) {
  const [a, h, l] = await Promise.all([get(signal, `/v1/cases/${enc(id)}/arrears`),
                                       get(signal, `/v1/cases/${enc(id)}/history?months=12`),
                                       get(signal, `/v1/cases/${enc(id)}/ledger`)]);
  const dl = $('arrears');
  // Overdue (what delinquency measures: arrears plus this month's support unpaid once the next
  // period began) only when it differs from the arrears.
  dl.replaceChildren(text('dt', 'Total'), text('dd', a.arrears_total),
                     ...(a.overdue && a.overdue !== a.arrears_total
                       ? [text('dt', 'Overdue'), text('dd', a.overdue)] : []),
                     text('dt', 'Delinquent'), text('dd', a.delinquent ? 'yes' : 'no'));
  for (const [bucket, amount] of Object.entries(a.arrears_by_bucket || {})) {
    dl.append(text('dt', words(bucket)), text('dd', amount));
  }
  renderOrders(orders, a.as_of);  // now that the server's date is known: ended orders say so
  renderHistory(h.months);
  if (Number(l.obligor.held_total) > 0) dl.append(text('dt', 'Held for the obligor'), text('dd', l.obligor.held_total));
  // Held money applied as future support (ARCHITECTURE.md §5.5) is not a payment received: the latest
  // application is named beside the arrears, and the payments table lists only what was received.
  const futures = l.futures_applied || [];
  if (futures.length > 0) {
    const f = futures[futures.length - 1];
    dl.append(text('dt', 'Latest future support applied'),
              text('dd', `${f.amount} on ${f.date}, held from the payment of ${f.received_date}`));
  }
  $('payments').replaceChildren(...l.collections.map((p) => {
    const tr = document.createElement('tr');
    tr.append(text('td', p.date), text('td', p.amount), text('td', p.source), text('td', p.reversed_as_of ? 'yes' : ''));
    return tr;
  }));
}

async function loadScore(id, signal) {
  const scores = await get(signal, `/v1/cases/${enc(id)}/scores`);
  renderScore(scores.items[0]);
}

function renderActionsTable(items) {
  $('actions').replaceChildren(...items.map((a) => {
    const tr = document.createElement('tr');
    tr.append(text('td', a.id), text('td', words(a.remedy)), text('td', words(a.state)),
              text('td', a.decided_by || ''), text('td', a.decision_reason || ''));
    return tr;
  }));
}

// The case's enforcement actions, and a decision form for each recommendation awaiting one (for the roles with
// recommendations.decide). A decision refreshes the table and the audit trail, and leaves its confirmation in place.
async function loadActions(id, signal) {
  const recs = await get(signal, `/v1/cases/${enc(id)}/recommendations`);
  renderActionsTable(recs.items);
  if (!can('recommendations.decide')) return;
  const pending = recs.items.filter((a) => a.state === 'recommended');
  const refresh = async () => {
    try {
      renderActionsTable((await get(signal, `/v1/cases/${enc(id)}/recommendations`)).items);
      await loadAudit(id, signal);
    } catch (err) { fail(err); }
  };
  $('decisions').replaceChildren(
    text('h4', pending.length ? 'Awaiting a decision' : 'Nothing awaits a decision.'),
    ...pending.map((rec) => recommendationForm(rec, refresh)));
}

async function loadNotes(id, signal) {
  const n = await get(signal, `/v1/cases/${enc(id)}/notes`);
  $('notes').replaceChildren(...n.items.map((note) => {
    const li = document.createElement('li');
    li.className = 'note';
    li.append(text('p', `${note.at.slice(0, 16).replace('T', ' ')} · ${note.author}`, 'meta'),
              text('p', note.text, 'note-text'));
    return li;
  }));
  if (n.items.length === 0) $('notes').replaceChildren(text('li', 'No notes yet.', 'meta'));
}

async function loadAudit(id, signal) {
  const audit = await get(signal, `/v1/cases/${enc(id)}/audit`);
  $('audit').replaceChildren(...audit.items.map((r) => {
    const tr = document.createElement('tr');
    tr.append(text('td', r.at), text('td', r.actor), text('td', r.action.replace('enforce.', '')),
              text('td', `${r.entity_id} ${words(r.remedy)}`), text('td', r.reason || ''));
    return tr;
  }));
}

// Every section is emptied first; a refusal (another office's case) leaves them empty and shows the error at the top.
// The sections the role may read load at once; each drops its answer if another page was opened meanwhile.
async function openCase(id, signal) {
  show('case');
  clearCase();
  $('case-title').textContent = id;
  const c = await get(signal, `/v1/cases/${enc(id)}`);
  $('note-form').dataset.case = c.case.id;
  $('score-run').dataset.case = c.case.id;
  $('case-title').textContent = `${c.case.id} · ${words(c.case.case_type)}` +
                                (c.case.family_violence ? ' · family violence indicated' : '');
  $('parties').replaceChildren(...c.parties.map((p) => text('li',
      `${p.case_role}: ${p.first_name} ${p.last_name}` +
      (p.address_protected ? ' (address protected)' : p.address && p.address.city ? ` — ${p.address.city}` : ''))));
  renderOrders(c.orders, null);
  $('case-body').hidden = false;
  $('case-title').focus();
  const jobs = [loadNotes(id, signal)];
  if (can('queue.read')) jobs.push(loadAudit(id, signal));
  if (can('ledger.read')) jobs.push(loadLedger(id, signal, c.orders));
  if (can('scores.read')) jobs.push(loadScore(id, signal));
  if (can('queue.read')) jobs.push(loadActions(id, signal));
  for (const r of await Promise.allSettled(jobs)) {
    if (r.status === 'rejected') throw r.reason;
  }
}

// ---- case notes (POST /v1/cases/{id}/notes): posted to the case the form was rendered for ----

const characters = (s) => [...s].length;  // code points, as the server counts them

$('note-text').addEventListener('input', () => {
  $('note-chars').textContent = String(characters($('note-text').value.trim()));
});

$('note-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = $('note-form');
  const id = form.dataset.case;
  if (!id || form.dataset.busy) return;  // no case shown yet, or this note is already being added
  const msg = $('note-msg');
  const value = $('note-text').value;
  msg.textContent = '';
  if (!value.trim()) { msg.textContent = 'Write the note first.'; $('note-text').focus(); return; }
  const length = characters(value.trim());
  if (length > NOTE_CHARS_MAX) {
    msg.textContent = `The note is ${length} characters; at most ${NOTE_CHARS_MAX.toLocaleString('en-US')} are allowed.`;
    $('note-text').focus();
    return;
  }
  const signal = state.view.signal;
  const button = form.querySelector('button[type="submit"]');
  form.dataset.busy = '1';
  button.disabled = true;
  try {
    await api('POST', `/v1/cases/${enc(id)}/notes`, { text: value });
    if (signal.aborted || form.dataset.case !== id) return;  // another page is shown now
    $('note-text').value = '';
    $('note-chars').textContent = '0';
    msg.textContent = 'Note added.';
    await loadNotes(id, signal);
  } catch (err) {
    if (isAbort(err)) return;
    if (err.status === 401) { sessionLost(err); return; }
    msg.textContent = `${err.message} (${err.code || 'error'})`;
  } finally {
    delete form.dataset.busy;
    button.disabled = false;
  }
});

$('score-run').addEventListener('click', async () => {
  const button = $('score-run');
  const id = button.dataset.case;
  if (!id || button.disabled) return;
  const signal = state.view.signal;
  $('score-msg').textContent = '';
  button.disabled = true;
  try {
    const s = await api('POST', '/v1/child-support/score', { case_id: id });
    if (!signal.aborted) renderScore(s);
  } catch (err) {
    if (err.status === 401) { sessionLost(err); return; }
    if (!signal.aborted) $('score-msg').textContent = `${err.message} (${err.code || 'error'})`;
  } finally {
    button.disabled = false;
  }
});

// ---- finding a case (GET /v1/cases?q=): from the search box in the header, on every page ----

const SEARCH_CHARS_MAX = 100;  // the server's limit (docs/API.md, Finding a case)

function searchItem(c) {
  const li = document.createElement('li');
  li.dataset.case = c.id;
  const head = document.createElement('p');
  head.append(link(c.id, `#/cases/${c.id}`),
              ` · ${words(c.case_type)} · ${c.status} · opened ${c.opened}` + (c.office ? ` · office ${c.office}` : ''));
  li.append(head);
  if (c.matched_parties.length) {
    li.append(text('p', 'Matched: ' + c.matched_parties.map((p) => `${p.case_role} ${p.first_name} ${p.last_name}`)
      .join('; '), 'matched'));
  }
  return li;
}

// The results of `q`, the first page (reset) or the next one. A case id that finds its case opens it at once.
async function loadSearch(signal, reset) {
  if (reset) { state.search.after = null; $('search-results').replaceChildren(); $('search-more').hidden = true; }
  const params = new URLSearchParams({ q: state.search.q, limit: '50' });
  if (state.search.after !== null) params.set('after', String(state.search.after));
  const page = await get(signal, `/v1/cases?${params}`);
  if (reset && page.items.length === 1 && page.items[0].matched_by === 'case_id') {
    location.replace(`#/cases/${page.items[0].id}`);
    return;
  }
  $('search-results').append(...page.items.map(searchItem));
  state.search.after = page.next_after;
  $('search-more').hidden = page.next_after === null;
  const n = $('search-results').children.length;
  $('search-summary').textContent = n === 0 ? `No case in your caseload matches “${state.search.q}”.`
    : `${n}${page.next_after === null ? '' : '+'} case${n === 1 ? '' : 's'} matching “${state.search.q}”.`;
}

async function openSearch(q, signal) {
  show('search');
  $('search-summary').textContent = '';
  state.search.q = q;
  $('search-q').value = q;
  await loadSearch(signal, true);
  $('search-title').focus();
}

$('search-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = $('search-q').value.trim();
  if (!q || characters(q) > SEARCH_CHARS_MAX) {
    showError(q ? `Search: at most ${SEARCH_CHARS_MAX} characters.` : 'Type a case id (CASE-000042 or 42) or a name.');
    $('search-q').focus();
    return;
  }
  const target = `#/search?q=${enc(q)}`;
  if (location.hash === target) route();  // the same search again: run it again
  else location.hash = target;
});
$('search-more').addEventListener('click', () => more($('search-more'), (signal) => loadSearch(signal, false)));

// ---- posting a payment (POST /v1/payments), for the roles with payments.post ----

// A fresh idempotency key for a new entry: printable ASCII, no space, comma or quote (docs/ARCHITECTURE.md §2.1).
function newPaymentKey() {
  if (crypto.randomUUID) return `WEB-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `WEB-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function payResult(message, ok) {
  $('pay-result').textContent = message;
  $('pay-result').className = ok ? 'done' : 'failed';
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

// The withdrawn recommendations of a payment event: `withdrawn_actions` ({id, remedy, reason}) when the server sends
// them, else the ids of `withdrawn`.
function withdrawnOf(e) {
  if (Array.isArray(e.withdrawn_actions)) return e.withdrawn_actions.filter((w) => w && typeof w === 'object');
  return (Array.isArray(e.withdrawn) ? e.withdrawn : []).map((id) => ({ id: String(id) }));
}

// What the payment event did (POST /v1/payments `enforcement`, docs/API.md), in plain words: the payment stands even
// when the event failed; a model that could not be used means rules only; nothing is shown when nothing changed.
// Every server value goes in as text (textContent), never as markup.
function renderPaymentEffects(e) {
  const box = $('pay-effects');
  box.replaceChildren();
  if (!e || typeof e !== 'object') return;
  if (e.error) {
    box.append(text('p', 'The payment is posted and stays posted, but updating enforcement after it failed ' +
                         `(${e.error}). The risk score, tasks and recommendations catch up at the next nightly run.`,
                    'warning'));
    return;
  }
  if (e.model_unusable) {
    box.append(text('p', `The risk model could not be used (${e.model_unusable}), so this payment was handled by ` +
                         'the rules only: no new risk score.', 'warning'));
  }
  const lines = [];
  if (e.risk_score_100 !== null && e.risk_score_100 !== undefined) {
    const tier = e.risk_tier ? ` — ${e.risk_tier} risk` : '';
    lines.push(text('li', `New risk score for the obligor: ${e.risk_score_100}${tier}.`,
                    e.risk_tier ? `tier-${String(e.risk_tier).toUpperCase()}` : ''));
  }
  const closed = Number(e.outreach_tasks_closed) || 0;
  if (closed > 0) {
    lines.push(text('li', `${plural(closed, 'outreach task', 'outreach tasks')} closed: payment received.`));
  }
  const refreshed = Number(e.tasks_refreshed) || 0;
  if (refreshed > 0) {
    lines.push(text('li', `${plural(refreshed, 'open task', 'open tasks')} updated to the obligor's figures after ` +
                          `this payment: ${refreshed === 1 ? 'its' : 'their'} place in the queue may change.`));
  }
  const withdrawn = withdrawnOf(e);
  if (withdrawn.length > 0) {
    const li = text('li', `${plural(withdrawn.length, 'recommendation', 'recommendations')} withdrawn because of ` +
                          'this payment:');
    const ul = document.createElement('ul');
    ul.className = 'withdrawn';
    ul.append(...withdrawn.map((w) => {
      const item = text('li', String(w.id) + (w.remedy ? `: ${words(w.remedy)}` : '') +
                              (w.reason ? ` — ${w.reason}` : ''));
      item.dataset.action = String(w.id);
      return item;
    }));
    li.append(ul);
    lines.push(li);
  }
  if (lines.length === 0) return;
  const list = document.createElement('ul');
  list.append(...lines);
  box.append(text('p', 'After this payment:', 'effects-title'), list);
}

function openPayment() {
  show('payment');
  $('payment-form').hidden = !can('payments.post');
  if (!can('payments.post')) {
    showError('Your role may not post payments (payments.post).');
    return;
  }
  if (!state.paymentKey) state.paymentKey = newPaymentKey();
  $('payment-title').focus();
}

// Any change to the entry makes it another entry: a new key.
for (const id of ['pay-case', 'pay-amount', 'pay-date', 'pay-source']) {
  $(id).addEventListener('input', () => { state.paymentKey = newPaymentKey(); });
}

const PAY_FIELDS = [['pay-case', 'the case id'], ['pay-amount', 'the amount'], ['pay-date', 'the received date'],
                    ['pay-source', 'the source']];

$('payment-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = $('payment-form');
  if (form.dataset.busy) return;  // this entry is being sent (double click, Enter twice)
  $('pay-effects').replaceChildren();  // the last entry's effects never sit beside this one's answer
  for (const [id, what] of PAY_FIELDS) {
    $(id).removeAttribute('aria-invalid');
    if (!$(id).value.trim()) {
      payResult(`Enter ${what}.`, false);
      $(id).setAttribute('aria-invalid', 'true');
      $(id).focus();
      return;
    }
  }
  const key = state.paymentKey || (state.paymentKey = newPaymentKey());
  const body = { case_id: $('pay-case').value.trim(), amount: $('pay-amount').value.trim(),
                 date: $('pay-date').value, source: $('pay-source').value };
  const button = form.querySelector('button[type="submit"]');
  form.dataset.busy = '1';
  button.disabled = true;
  $('pay-result').textContent = '';
  try {
    const r = await api('POST', '/v1/payments', body, undefined, { 'Idempotency-Key': key });
    const what = `${body.amount} to ${body.case_id} received ${body.date} (${words(body.source)})`;
    payResult(r.result === 'created' ? `Posted: ${what}, collection ${r.collection_id}.`
      : `Already posted: this entry was recorded before as collection ${r.collection_id}; it was not posted twice.`, true);
    renderPaymentEffects(r.result === 'created' ? r.enforcement : null);
    // Posted: the next entry starts empty (the date and source stay) with a new key, so pressing the button again
    // cannot post this payment a second time.
    $('pay-case').value = '';
    $('pay-amount').value = '';
    state.paymentKey = newPaymentKey();
    $('pay-case').focus();
  } catch (err) {
    if (err.status === 401) { sessionLost(err); return; }
    if (err.status === undefined) {
      payResult('The server could not be reached: the payment may or may not have been recorded. Post the same entry ' +
                'again without changing it: if it was recorded, the answer is "already posted".', false);
    } else {
      payResult(`${err.message} (${err.code || 'error'})`, false);
    }
  } finally {
    delete form.dataset.busy;
    button.disabled = false;
  }
});

// ---- the supervisor page (GET /v1/supervisor) ----

function row(...cells) {
  const tr = document.createElement('tr');
  tr.append(...cells.map((c) => {
    const td = document.createElement('td');
    if (c instanceof Node) td.append(c);
    else td.textContent = c === null || c === undefined ? '' : String(c);
    return td;
  }));
  return tr;
}

async function openSupervisor(signal) {
  show('supervisor');
  for (const id of ['workload', 'pending', 'acceptance']) $(id).replaceChildren();
  $('sup-summary').textContent = '';
  const s = await get(signal, '/v1/supervisor');
  $('sup-summary').textContent = `${s.pending_total} recommendation${s.pending_total === 1 ? '' : 's'}` +
    ` awaiting a decision` + (s.oldest_pending_days === null ? '' : `, the oldest ${s.oldest_pending_days} days`) +
    ` · as of ${s.as_of}` + (s.office ? ` · office ${s.office}` : ' · statewide');
  $('workload').replaceChildren(...s.workload.map((w) => row(w.worker, w.open_tasks, w.flagged)));
  $('pending').replaceChildren(...s.pending.map((p) =>
    row(p.id, link(p.case_id, `#/cases/${p.case_id}`), words(p.remedy), p.recommended_on, p.age_days,
        p.legal_deadline)));
  $('acceptance').replaceChildren(...s.acceptance.map((m) =>
    row(m.month, m.recommended, m.approved, m.modified, m.dismissed, m.pending,
        m.acceptance_rate === null ? '—' : `${Math.round(100 * m.acceptance_rate)}%`)));
  $('sup-title').tabIndex = -1;
  $('sup-title').focus();
}

async function route() {
  const signal = newView();
  const m = location.hash.match(/^#\/cases\/([A-Za-z0-9-]+)$/);
  const search = location.hash.match(/^#\/search\?q=(.*)$/);
  try {
    if (m) await openCase(m[1], signal);
    else if (search) await openSearch(decodeURIComponent(search[1]), signal);
    else if (location.hash === '#/payments') openPayment();
    else if (location.hash === '#/supervisor') await openSupervisor(signal);
    else await openDashboard(signal);
  } catch (err) { fail(err); }
}

// ---- sign-in and sign-out ----

// An ISO time (UTC, any fraction of a second) as local time to the minute, rounded up: "locked until" must not say a
// minute at which the lock still holds.
function localMinute(iso) {
  const ms = Date.parse(iso.replace(/(\.\d{3})\d*Z$/, '$1Z'));
  if (Number.isNaN(ms)) return iso;
  return new Date(Math.ceil(ms / 60000) * 60000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

$('signin-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('signin-error').textContent = '';
  try {
    signedIn(await api('POST', '/v1/session', { username: $('username').value, password: $('password').value }));
    $('password').value = '';
  } catch (err) {
    $('signin-error').textContent =
      String(err.message || err.code).replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, localMinute);
    $('password').value = '';
    $('password').focus();
  }
});

// Sign-out clears every section and the address (the next person at this computer starts on an empty page).
$('signout').addEventListener('click', async () => {
  try { await api('DELETE', '/v1/session'); } catch (err) { /* already gone */ }
  history.replaceState(null, '', location.pathname + location.search);
  $('username').value = '';
  signedOut('');
});

// The skip link moves focus to the content; it is not a route.
$('skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  $('main').focus();
});

$('f-action').append(...REMEDIES.map((r) => new Option(words(r), r)));
$('queue-filters').addEventListener('submit', (ev) => {
  ev.preventDefault();
  loadQueue(state.view.signal, true).catch(fail);
});

// "More" buttons: disabled while their page loads, so a double click cannot load a page twice.
async function more(button, load) {
  if (button.disabled) return;
  button.disabled = true;
  try { await load(state.view.signal); } catch (err) { fail(err); } finally { button.disabled = false; }
}
$('more').addEventListener('click', () => more($('more'), (signal) => loadCases(signal, false)));
$('queue-more').addEventListener('click', () => more($('queue-more'), (signal) => loadQueue(signal, false)));

window.addEventListener('hashchange', () => {
  if (!state.who) return;
  if (location.hash !== '' && !location.hash.startsWith('#/')) return;  // an in-page anchor, not a route
  route();
});
$('case-title').tabIndex = -1;

api('GET', '/v1/session').then(signedIn).catch((err) => {
  signedOut(err.code === 'session_expired' ? 'Your session expired: sign in again.' : '');
});
