/*
 * Resident accounts for staff (docs/api.md "resident accounts"):
 *   #/invites                              pick a community you look after
 *   #/communities/{c}/invites              find a resident and issue an
 *                                          invitation; a building's batch;
 *                                          the correction requests queue
 *   #/communities/{c}/buildings/{b}/invites  issue a building's batch and
 *                                          print its slips
 *
 * A slip is what a resident gets on paper: the name masked (张**), where
 * they live, the code in big letters, the QR code of the claim URL (an <img>
 * of qr.svg: same origin, so the strict CSP allows it), what to do, and the
 * expiry date. Slips print several to an A4 page (style.css, .slips).
 * Codes are shown once at issue; a pending one can be printed again (the
 * server derives it; see invite.h), a used or expired one cannot.
 */

import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, del, request } from '../api.js';

const CHANGER_ROLES = new Set(['admin', 'street', 'worker']);

export function canIssue(user) {
  return ((user && user.grants) || []).some((g) => CHANGER_ROLES.has(g.role));
}

function dateText(unix) {
  return new Date(unix * 1000).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
}

function whereText(s) {
  if (!s.building) return t('invite.nohome');
  return [s.building, s.unit, s.room].filter(Boolean).join(' ');
}

/* One printable slip. */
export function slipNode(cid, s) {
  return h('article', { class: 'slip', dataset: { testid: 'slip' } },
    h('h2', null, t('invite.slip.title')),
    h('p', { class: 'slip-who' }, h('strong', null, s.name), ' · ', whereText(s)),
    h('div', { class: 'slip-body' },
      s.code && h('img', {
        class: 'slip-qr', width: 132, height: 132, alt: t('invite.slip.qr'),
        src: `/api/communities/${cid}/invitations/${s.id}/qr.svg`,
      }),
      h('div', null,
        h('p', { class: 'slip-code-label' }, t('invite.slip.code')),
        h('p', { class: 'slip-code', dataset: { testid: 'slip-code' } }, s.code || '—'),
        h('ol', { class: 'slip-steps' },
          h('li', null, t('invite.slip.step1')),
          h('li', null, t('invite.slip.step2')),
          h('li', null, t('invite.slip.step3'))))),
    h('p', { class: 'slip-expiry' }, t('invite.slip.expires', { date: dateText(s.expires_at) })),
    s.url && h('p', { class: 'slip-url' }, s.url));
}

function slipsNode(cid, slips) {
  return h('div', { class: 'slips', dataset: { testid: 'slips' } }, slips.map((s) => slipNode(cid, s)));
}

function printButton() {
  return h('button', { type: 'button', class: 'primary no-print', onclick: () => window.print(), dataset: { testid: 'print' } },
    t('invite.print'));
}

/* #/invites: the communities this user may issue in. */
export async function invitesIndexView(ctx) {
  const data = await get('/api/communities');
  const list = (data.communities || []).filter((c) => ctx.canChange(c));
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/invites`);
    return communityInvitesView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'invites-index' } },
    h('h1', null, t('invite.title')),
    list.length === 0 ? h('p', { class: 'muted' }, t('communities.empty'))
      : h('ul', { class: 'plain' }, list.map((c) =>
        h('li', null, h('a', { href: `#/communities/${c.id}/invites` }, c.name)))));
}

/* The invitations of one resident, and the button to issue one. */
function residentPanel(ctx, cid, resident) {
  const box = h('div', { class: 'card invite-resident', dataset: { testid: 'invite-resident' } });
  const out = h('div');
  async function load() {
    const r = await get(`/api/communities/${cid}/residents/${resident.id}/invitations`);
    const rows = r.invitations.map((s) => h('li', null,
      t(`invite.status.${s.status}`), ' · ', t('invite.slip.expires', { date: dateText(s.expires_at) }),
      s.status === 'pending' && h('span', null, ' ',
        h('button', { type: 'button', class: 'link-button', onclick: () => reprint(s.id) }, t('invite.reprint')),
        ' ',
        h('button', { type: 'button', class: 'link-button', dataset: { testid: 'revoke' }, onclick: () => revoke(s.id) },
          t('invite.revoke')))));
    box.replaceChildren(
      h('h2', null, resident.name, ' ', h('span', { class: 'muted' }, `#${resident.id}`)),
      r.account ? h('p', { dataset: { testid: 'has-account' } }, t('invite.has_account'))
        : h('button', { type: 'button', class: 'primary', dataset: { testid: 'issue' }, onclick: issue }, t('invite.issue')),
      rows.length ? h('ul', { class: 'plain' }, rows) : null,
      out);
  }
  async function issue() {
    try {
      const s = await post(`/api/communities/${cid}/residents/${resident.id}/invitations`, {});
      await load();
      out.replaceChildren(printButton(), slipsNode(cid, [s]));
      ctx.showNotice(t('invite.issued'));
    } catch (err) { ctx.showError(err); }
  }
  async function reprint(id) {
    try {
      const s = await get(`/api/communities/${cid}/invitations/${id}`);
      out.replaceChildren(printButton(), slipsNode(cid, [s]));
    } catch (err) { ctx.showError(err); }
  }
  async function revoke(id) {
    try {
      await del(`/api/communities/${cid}/invitations/${id}`);
      out.replaceChildren();
      await load();
    } catch (err) { ctx.showError(err); }
  }
  load().catch((err) => ctx.showError(err));
  return box;
}

/* #/communities/{c}/invites */
export async function communityInvitesView(ctx) {
  const [cid] = ctx.params;
  const community = await get(`/api/communities/${cid}`);
  const qId = uid('invite-q');
  const q = h('input', { id: qId, type: 'search', maxlength: 50, dataset: { testid: 'invite-search' }, 'data-autofocus': true });
  const results = h('div', { dataset: { testid: 'invite-results' } });
  async function search(ev) {
    ev.preventDefault();
    try {
      const r = await get(`/api/communities/${cid}/residents?q=${encodeURIComponent(q.value.trim())}&limit=20`);
      results.replaceChildren(...(r.residents.length ? r.residents.map((x) => residentPanel(ctx, cid, x))
        : [h('p', { class: 'muted' }, t('invite.none_found'))]));
    } catch (err) { ctx.showError(err); }
  }
  const buildings = (community.compounds || []).flatMap((c) => (c.buildings || []).map((b) => ({ ...b, compound: c.name })));
  return h('section', { class: 'invites-page', dataset: { testid: 'invites-page' } },
    h('h1', null, t('invite.title'), ' · ', community.name),
    h('p', { class: 'muted' }, t('invite.intro')),
    h('p', null, h('a', { href: `#/communities/${cid}/corrections`, dataset: { testid: 'corrections-link' } }, t('corrections.title'))),
    h('form', { class: 'search card', onsubmit: search },
      h('label', { for: qId }, t('invite.search')), q,
      h('button', { type: 'submit', class: 'primary' }, t('invite.search.go'))),
    results,
    h('h2', null, t('invite.batch')),
    h('ul', { class: 'plain' }, buildings.map((b) => h('li', null,
      h('a', { href: `#/communities/${cid}/buildings/${b.id}/invites` }, `${b.compound} ${b.name}`)))));
}

/* #/communities/{c}/buildings/{b}/invites */
export async function buildingInvitesView(ctx) {
  const [cid, bid] = ctx.params;
  const b = await get(`/api/communities/${cid}/buildings/${bid}`);
  const out = h('div');
  async function issue() {
    try {
      const r = await post(`/api/communities/${cid}/buildings/${bid}/invitations`, {});
      out.replaceChildren(
        h('p', { role: 'status' }, t('invite.batch.done', { n: r.invitations.length })),
        r.invitations.length ? printButton() : null,
        slipsNode(cid, r.invitations));
    } catch (err) { ctx.showError(err); }
  }
  return h('section', { class: 'invites-page' },
    h('h1', null, t('invite.batch'), ' · ', b.name),
    h('p', { class: 'muted no-print' }, t('invite.batch.intro')),
    h('button', { type: 'button', class: 'primary no-print', dataset: { testid: 'issue-batch' }, onclick: issue }, t('invite.batch.go')),
    out);
}

/* #/communities/{c}/corrections: the staff's queue. */
export async function correctionsView(ctx) {
  const [cid] = ctx.params;
  const r = await get(`/api/communities/${cid}/corrections?status=pending`);
  async function decide(id, status) {
    try {
      await request('PATCH', `/api/communities/${cid}/corrections/${id}`, { status });
      ctx.showNotice(t(`corrections.${status}`));
      ctx.refresh();
    } catch (err) { ctx.showError(err); }
  }
  return h('section', { dataset: { testid: 'corrections-page' } },
    h('h1', null, t('corrections.title')),
    r.corrections.length === 0 ? h('p', { class: 'muted' }, t('corrections.empty'))
      : h('ul', { class: 'plain' }, r.corrections.map((c) => h('li', { class: 'card', dataset: { testid: 'correction' } },
        h('p', null, h('strong', null, c.resident_name), ' · ', t(`me.field.${c.field}`), ' → ', h('strong', null, c.value)),
        c.note && h('p', { class: 'muted' }, c.note),
        h('button', { type: 'button', class: 'primary', onclick: () => decide(c.id, 'approved') }, t('corrections.approve')),
        ' ',
        h('button', { type: 'button', onclick: () => decide(c.id, 'rejected') }, t('corrections.reject'))))));
}

