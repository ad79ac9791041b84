/*
 * Micro-fund (社区微基金): the rounds of one community,
 * GET /api/communities/{id}/rounds, and the form that opens a round.
 *
 * Also the pieces the round page shares: which communities the user belongs
 * to, money in 元 (integer fen, never floating point), the status badge, a
 * form builder with textareas, and a tiny SVG helper for bars (an SVG
 * <rect width> is an attribute, not a style, so the CSP is kept).
 *
 * Residents may not read the community structure (GET /api/communities is
 * staff-only), so the community comes from the grants in the session, and
 * its name is shown only to those who may read it.
 */

import { h, uid } from '../dom.js';
import { t, has, formatInt, formatYuan } from '../i18n.js';
import { get, post, errorText } from '../api.js';
import { FieldError } from './parts.js';

/* ---- who is who (a UI hint only: the server decides) ---------------------- */

const STAFF_ROLES = new Set(['admin', 'street', 'worker', 'grid', 'lead']);

const grantsOf = (user) => (user && user.grants) || [];

/* May read the community structure (and so its name). */
export function isStaff(user) {
  return grantsOf(user).some((g) => STAFF_ROLES.has(g.role));
}

/* A member of at least one community: any grant inside one, or an admin or
   street officer, who are members of the communities they oversee. */
export function isMember(user) {
  return grantsOf(user).some((g) => g.community_id != null || g.role === 'admin' || g.role === 'street');
}

/* Opens rounds and moves them on: admin, the street officer of the
   community's street, a worker of the community. streetId may be unknown
   (null) for someone who cannot read the community; they are no street
   officer anyway. */
export function canManage(user, communityId, streetId) {
  return grantsOf(user).some((g) => {
    if (g.role === 'admin') return true;
    if (g.role === 'street') return streetId != null && Number(g.street_id ?? g.scope_id) === Number(streetId);
    return g.role === 'worker' && g.community_id != null && Number(g.community_id) === Number(communityId);
  });
}

/* Residents and volunteers: the only voters of a `residents` round. */
export function isResidentVoter(user) {
  return grantsOf(user).some((g) => g.role === 'resident' || g.role === 'volunteer');
}

/*
 * The communities the user belongs to: [{id, name?, street_id?}].
 * Community grants say it directly; admins and street officers read the
 * list (they are staff, so GET /api/communities answers them).
 */
export async function memberCommunities(user) {
  const byId = new Map();
  for (const g of grantsOf(user)) {
    if (g.community_id != null && !byId.has(Number(g.community_id))) {
      byId.set(Number(g.community_id), { id: Number(g.community_id), street_id: g.street_id ?? null });
    }
  }
  if (grantsOf(user).some((g) => g.role === 'admin' || g.role === 'street')) {
    const data = await get('/api/communities');
    for (const c of data.communities || []) byId.set(Number(c.id), { id: Number(c.id), name: c.name, street_id: c.street_id });
  }
  return [...byId.values()];
}

/* The community's name and street, for those who may read it; else {}. */
export async function communityInfo(user, id) {
  if (!isStaff(user)) return {};
  try {
    return await get(`/api/communities/${id}`);
  } catch {
    return {};
  }
}

/* ---- money ------------------------------------------------------------------ */

/* fen -> "5,000.00 元" / "¥5,000.00" */
export function yuan(fen) {
  return t('money.yuan', { amount: formatYuan(fen) });
}

/* An amount in 1/100 fen (the result's price and money), shown in 元; the
   fen are cut off, never rounded up, and "about" says so when they were. */
export function yuanCents(cents) {
  const c = Math.trunc(Number(cents) || 0);
  const rest = c % 100;
  const fen = (c - rest) / 100;
  return rest === 0 ? yuan(fen) : t('money.about', { amount: yuan(fen) });
}

/*
 * "5000", "5000.5", "5,000.50" -> fen (exact integer arithmetic), or null
 * when not a positive amount of 元 with at most two decimals.
 */
export function parseYuan(text) {
  const m = /^\s*(\d{1,9})(?:[.](\d{1,2}))?\s*$/.exec(String(text).replace(/[,，\s]/g, ''));
  if (!m) return null;
  const v = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
  return v > 0 ? v : null;
}

/* "3" -> 3; null for anything but a whole number >= 0. */
export function parseCount(text) {
  const m = /^\s*(\d{1,6})\s*$/.exec(String(text));
  return m ? Number(m[1]) : null;
}

/* ---- small shared pieces -------------------------------------------------- */

export const STATUSES = ['proposal', 'voting', 'closed'];

export function statusBadge(status) {
  return h('span', { class: `badge badge-${status}`, dataset: { testid: 'round-status', status } },
    t(`round.status.${status}`));
}

/* t() with an English singular where the count is 1 ("1 supporter"). */
export function tn(key, n, params = {}) {
  const k = n === 1 && has(`${key}.one`) ? `${key}.one` : key;
  return t(k, { n: formatInt(n), ...params });
}

/* The back link at the top of a page. */
export function crumb(href, text, testid) {
  return h('p', { class: 'crumbs no-print' }, h('a', { href, dataset: { testid } }, `← ${text}`));
}

const SVG = 'http://www.w3.org/2000/svg';
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

/*
 * form({ testid, fields, submitLabel, action, onChange })
 *   fields: [{ name, label, type: 'text'|'textarea'|'select', required,
 *              hint, options: [[value, label]], value, inputmode,
 *              maxlength, reset, showIf: (values) => bool }]
 *   action(values) -> Promise<string> (the success text); may throw
 *   FieldError or ApiError, whose field is marked invalid and focused.
 *   onChange(values, inputs): after any input, to keep fields consistent.
 * Like parts.js formCard (labels, hints tied by aria-describedby, a
 * role=alert error line, a role=status line), plus textareas and fields
 * that show only when another field asks for them.
 */
export function form({ testid, fields, submitLabel, action, onChange }) {
  const errorId = uid('form-error');
  const error = h('p', { id: errorId, class: 'error', role: 'alert', dataset: { testid: `${testid}-error` } });
  const status = h('p', { class: 'ok', role: 'status', dataset: { testid: `${testid}-status` } });
  const inputs = {};

  const rows = fields.map((f) => {
    const id = uid(`${testid}-${f.name}`);
    const hintId = f.hint ? `${id}-hint` : null;
    let input;
    if (f.type === 'select') {
      input = h('select', { id, name: f.name, required: f.required },
        f.options.map(([v, label]) => h('option', { value: String(v) }, label)));
      if (f.value !== undefined) input.value = String(f.value);
    } else if (f.type === 'textarea') {
      input = h('textarea', { id, name: f.name, rows: 4, maxlength: f.maxlength || 2000, required: f.required });
      input.value = f.value ?? '';
    } else {
      input = h('input', {
        id, name: f.name, type: 'text', required: f.required, value: f.value ?? '',
        inputmode: f.inputmode, autocomplete: 'off', maxlength: f.maxlength || 100,
      });
    }
    if (hintId) input.setAttribute('aria-describedby', hintId);
    input.dataset.testid = `${testid}-${f.name}`;
    const row = h('div', { class: 'field' },
      h('label', { for: id }, f.label, !f.required && h('span', { class: 'muted' }, ` (${t('form.optional')})`)),
      input,
      f.hint && h('p', { id: hintId, class: 'hint' }, f.hint));
    inputs[f.name] = { input, field: f, hintId, row };
    return row;
  });

  const values = () => Object.fromEntries(Object.entries(inputs).map(([k, { input }]) => [k, input.value]));

  function update() {
    const v = values();
    for (const { field, row } of Object.values(inputs)) {
      if (field.showIf) row.hidden = !field.showIf(v);
    }
    if (onChange) onChange(v, inputs);
  }

  function clearErrors() {
    error.textContent = '';
    for (const { input, hintId } of Object.values(inputs)) {
      input.removeAttribute('aria-invalid');
      if (hintId) input.setAttribute('aria-describedby', hintId);
      else input.removeAttribute('aria-describedby');
    }
  }

  function blame(field, text) {
    error.textContent = text;
    const entry = inputs[field];
    if (entry && !entry.row.hidden) {
      entry.input.setAttribute('aria-invalid', 'true');
      entry.input.setAttribute('aria-describedby', [entry.hintId, errorId].filter(Boolean).join(' '));
      entry.input.focus();
    }
  }

  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: `${testid}-submit` } }, submitLabel);

  async function onsubmit(ev) {
    ev.preventDefault();
    clearErrors();
    status.textContent = '';
    submit.disabled = true;
    try {
      status.textContent = await action(values());
      for (const { input, field } of Object.values(inputs)) {
        if (field.type !== 'select' && field.reset !== false) input.value = field.value ?? '';
      }
      update();
    } catch (err) {
      blame(err.field, err instanceof FieldError ? err.message : errorText(err));
    } finally {
      submit.disabled = false;
    }
  }

  const el = h('form', { class: 'stack', novalidate: true, onsubmit, oninput: update, onchange: update },
    rows, error, submit, status);
  update();
  return el;
}

/* A form in a <details> card, as on the community page. */
export function formCardOf(title, testid, formEl, open) {
  return h('details', { class: 'form-card no-print', open: !!open, dataset: { testid } },
    h('summary', null, title),
    formEl);
}

/* Blame a field before any request. */
export function needText(v, name) {
  const s = (v[name] || '').trim();
  if (!s) throw new FieldError(name, t('err.invalid') + t('err.field', { field: t(`field.${name}`) }));
  return s;
}

/* ---- the index: #/rounds ---------------------------------------------------- */

/*
 * The navigation's "Micro-fund" goes here. One community (the usual case:
 * a resident, a worker) goes straight to its rounds; several (an admin, a
 * street officer) are listed to choose from.
 */
export async function roundsIndexView(ctx) {
  const list = await memberCommunities(ctx.user);
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/rounds`);
    return roundsView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'rounds-index' } },
    h('h1', null, t('rounds.title')),
    h('p', { class: 'muted' }, t('rounds.intro')),
    list.length === 0
      ? h('p', { class: 'muted', dataset: { testid: 'rounds-no-community' } }, t('rounds.no_community'))
      : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${c.id}/rounds`, dataset: { testid: 'rounds-community-link' } },
          c.name || t('rounds.community_n', { id: c.id })))))));
}

/* ---- one community's rounds ------------------------------------------------- */

export async function roundsView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}/rounds`;
  const [data, community] = await Promise.all([get(base), communityInfo(ctx.user, id)]);
  let rounds = data.rounds || [];

  const list = h('div');
  function draw() {
    list.replaceChildren(rounds.length === 0
      ? h('p', { class: 'muted', dataset: { testid: 'rounds-empty' } }, t('rounds.empty'))
      : h('ul', { class: 'cards rounds', dataset: { testid: 'rounds-list' } }, rounds.map((r) => roundCard(id, r))));
  }
  draw();

  const section = h('section', { class: 'rounds-page', dataset: { testid: 'rounds-page' } },
    h('h1', null, t('rounds.title')),
    community.name && h('p', { class: 'muted', dataset: { testid: 'rounds-community' } },
      `${community.street_name} · ${community.name}`),
    h('p', null, t('rounds.intro')),
    h('h2', null, t('rounds.list')),
    list);

  if (canManage(ctx.user, id, community.street_id ?? null)) {
    const f = form({
      testid: 'open-round',
      submitLabel: t('rounds.open.submit'),
      fields: [
        { name: 'title', label: t('rounds.f.title'), required: true, maxlength: 100 },
        { name: 'description', label: t('rounds.f.description'), type: 'textarea', maxlength: 2000 },
        { name: 'budget', label: t('rounds.f.budget'), required: true, inputmode: 'decimal', hint: t('rounds.f.budget_hint') },
        {
          name: 'rule', label: t('rounds.f.rule'), type: 'select', required: true, reset: false, value: 'mes',
          options: [['mes', t('rule.mes.choice')], ['greedy', t('rule.greedy.choice')]],
        },
        {
          name: 'ballot', label: t('rounds.f.ballot'), type: 'select', required: true, reset: false, value: 'approval',
          hint: t('rounds.f.ballot_hint'),
          options: [['approval', t('ballot.approval.choice')], ['points', t('ballot.points.choice')]],
        },
        {
          name: 'points', label: t('rounds.f.points'), inputmode: 'numeric', value: '10', reset: false,
          hint: t('rounds.f.points_hint'), showIf: (v) => v.ballot === 'points',
        },
        { name: 'max_choices', label: t('rounds.f.max_choices'), inputmode: 'numeric', hint: t('rounds.f.max_choices_hint') },
        {
          name: 'eligible', label: t('rounds.f.eligible'), type: 'select', required: true, reset: false, value: 'members',
          options: [['members', t('eligible.members')], ['residents', t('eligible.residents')]],
        },
      ],
      /* Points ballots go with the greedy rule only (the server says so
         too): choosing points picks greedy and locks it. */
      onChange: (v, inputs) => {
        const rule = inputs.rule.input;
        const points = v.ballot === 'points';
        if (points) rule.value = 'greedy';
        rule.disabled = points;
      },
      action: async (v) => {
        const title = needText(v, 'title');
        const budget = parseYuan(v.budget);
        if (budget === null) throw new FieldError('budget', t('rounds.bad_yuan'));
        const body = { title, budget, rule: v.rule, ballot: v.ballot, eligible: v.eligible };
        if (v.description.trim()) body.description = v.description.trim();
        if (v.ballot === 'points') {
          const p = parseCount(v.points);
          if (p === null || p < 1 || p > 1000) throw new FieldError('points', t('rounds.bad_points'));
          body.points = p;
        }
        if (v.max_choices.trim()) {
          const m = parseCount(v.max_choices);
          if (m === null) throw new FieldError('max_choices', t('form.bad_int', { field: t('field.max_choices') }));
          body.max_choices = m;
        }
        await post(base, body);
        rounds = (await get(base)).rounds || [];
        draw();
        return t('rounds.opened', { title });
      },
    });
    section.append(h('section', { class: 'maintain-rounds no-print', dataset: { testid: 'rounds-manage' } },
      h('h2', null, t('rounds.manage')),
      formCardOf(t('rounds.open'), 'open-round-card', f, rounds.length === 0)));
  }
  return section;
}

function roundCard(cid, r) {
  return h('li', { class: 'card round-card', dataset: { testid: 'round-card', round: r.id } },
    h('h3', null, h('a', { href: `#/communities/${cid}/rounds/${r.id}`, dataset: { testid: 'round-link' } }, r.title)),
    h('p', { class: 'round-meta' }, statusBadge(r.status), ' ', h('span', { class: 'muted' }, t(`rule.${r.rule}.name`))),
    h('dl', { class: 'counts' },
      h('div', { class: 'count count-wide' }, h('dt', null, t('round.budget')), h('dd', { dataset: { testid: 'round-budget' } }, yuan(r.budget))),
      h('div', { class: 'count' }, h('dt', null, t('round.projects')), h('dd', null, formatInt(r.projects))),
      h('div', { class: 'count' }, h('dt', null, t('round.voters')), h('dd', null, formatInt(r.voters)))));
}
