/*
 * Notices (通知公告): GET /api/communities/{id}/notices and one notice.
 *
 * A resident opens a notice and the page posts .../read once the text is on
 * screen: their household counts as reached. Staff see, per notice, how many
 * households of its scope were reached and by which channel, and the list of
 * households not reached yet, each with a button to record a door-to-door
 * or phone delivery. The notice itself prints on A4 for the notice board.
 */

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, request, errorText } from '../api.js';
import { FieldError } from './parts.js';
import { memberCommunities, crumb, form, formCardOf, needText } from './rounds.js';

const CATEGORIES = ['notice', 'announcement', 'publicity', 'reminder'];

function when(sec) {
  return sec ? new Date(sec * 1000).toLocaleDateString(document.documentElement.lang || 'zh-CN', { timeZone: 'Asia/Shanghai' }) : '';
}

export async function noticesIndexView(ctx) {
  const list = await memberCommunities(ctx.user);
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/notices`);
    return noticesView({ ...ctx, params: [list[0].id] });
  }
  return h('section', null, h('h1', null, t('notices.title')),
    h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
      h('a', { href: `#/communities/${c.id}/notices` }, c.name || t('rounds.community_n', { id: c.id }))))));
}

export async function noticesView(ctx) {
  const [cid] = ctx.params;
  const base = `/api/communities/${cid}/notices`;
  let data = await get(base);
  const list = h('div');
  function draw() {
    const items = data.notices || [];
    list.replaceChildren(items.length === 0
      ? h('p', { class: 'muted', dataset: { testid: 'notices-empty' } }, t('notices.empty'))
      : h('ul', { class: 'cards', dataset: { testid: 'notices-list' } }, items.map((n) => h('li', { class: `card${n.read === false ? ' unread' : ''}` },
        h('h2', null, n.pinned && h('span', { class: 'badge' }, t('notice.pinned')), ' ',
          h('a', { href: `#/communities/${cid}/notices/${n.id}`, dataset: { testid: 'notice-link' } }, n.title)),
        h('p', { class: 'muted' }, t(`notice.category.${n.category}`), ' · ', when(n.published_at || n.created_at),
          n.status !== 'published' && ` · ${t(`notice.status.${n.status}`)}`,
          n.read === false && ` · ${t('notice.unread')}`,
          n.reached !== undefined && n.status === 'published' && ` · ${t('notice.reached_n', { n: n.reached })}`)))));
  }
  draw();
  const parts = [h('h1', null, t('notices.title')), list];
  if (data.can_manage) {
    const f = form({
      testid: 'notice-new',
      submitLabel: t('notice.new.submit'),
      fields: [
        { name: 'title', label: t('notice.f.title'), required: true, maxlength: 100 },
        { name: 'body', label: t('notice.f.body'), type: 'textarea', required: true, maxlength: 8000 },
        { name: 'category', label: t('notice.f.category'), type: 'select', required: true, value: 'notice',
          options: CATEGORIES.map((c) => [c, t(`notice.category.${c}`)]) },
        { name: 'scope', label: t('vote.f.scope'), type: 'select', required: true, value: 'community',
          options: ['community', 'compound', 'building', 'unit'].map((s) => [s, t(`vote.scope.${s}`)]) },
        { name: 'scope_id', label: t('vote.f.scope_id'), inputmode: 'numeric', hint: t('vote.f.scope_id_hint'), showIf: (v) => v.scope !== 'community' },
      ],
      action: async (v) => {
        const b = { title: needText(v, 'title'), body: needText(v, 'body'), category: v.category, scope: v.scope };
        if (v.scope !== 'community') {
          if (!/^\d+$/.test(v.scope_id.trim())) throw new FieldError('scope_id', t('vote.f.scope_id_hint'));
          b.scope_id = Number(v.scope_id.trim());
        }
        const r = await post(base, b);
        data = await get(base);
        draw();
        return t('notice.new.done', { title: r.title });
      },
    });
    parts.push(formCardOf(t('notice.new.title'), 'notice-new-card', f, false));
  }
  return h('section', { dataset: { testid: 'notices' } }, parts);
}

export async function noticeView(ctx) {
  const [cid, nid] = ctx.params;
  const base = `/api/communities/${cid}/notices/${nid}`;
  let notice = await get(base);
  const body = h('div');
  const status = h('p', { class: 'ok', role: 'status', dataset: { testid: 'notice-status' } });

  if (notice.status === 'published' && notice.read === false) {
    /* the text is about to be shown: the household has read it */
    post(`${base}/read`, {}).then(() => { status.textContent = t('notice.marked_read'); }).catch(() => {});
  }

  async function receipts() {
    if (!notice.can_manage || notice.status !== 'published') return null;
    const r = await get(`${base}/receipts`);
    const pct = r.households ? Math.floor((r.reached * 100) / r.households) : 0;
    return h('section', { class: 'no-print', dataset: { testid: 'notice-receipts' } },
      h('h2', null, t('notice.receipts')),
      h('p', { dataset: { testid: 'notice-reached' } }, t('notice.reached', { reached: r.reached, households: r.households, pct })),
      h('p', { class: 'muted' }, t('notice.by_method', r.by_method)),
      r.unreached.length > 0 && h('h3', null, t('notice.unreached', { n: r.unreached.length })),
      h('ul', { class: 'plain', dataset: { testid: 'notice-unreached' } }, r.unreached.slice(0, 300).map((u) => {
        const err = h('span', { class: 'error', role: 'alert' });
        const mark = (method) => h('button', { type: 'button', class: 'secondary small', dataset: { testid: `notice-mark-${method}` },
          onclick: async () => {
            try {
              await post(`${base}/receipts`, { dwelling_id: u.dwelling_id, method });
              await redraw();
              status.textContent = t('notice.marked', { label: u.label });
            } catch (e) { err.textContent = errorText(e); }
          } }, t(`notice.method.${method}`));
        return h('li', null, u.label, ' ', mark('door'), ' ', mark('phone'), ' ', err);
      })));
  }

  function manage() {
    if (!notice.can_manage || notice.status === 'withdrawn') return null;
    const next = notice.status === 'draft' ? 'published' : 'withdrawn';
    const err = h('p', { class: 'error', role: 'alert' });
    return h('div', { class: 'no-print' },
      h('button', { type: 'button', class: next === 'published' ? 'primary' : 'secondary', dataset: { testid: 'notice-next' },
        onclick: async () => {
          try {
            await request('PATCH', base, { status: next });
            notice = await get(base);
            await redraw();
            status.textContent = t(`notice.to.${next}.done`);
          } catch (e) { err.textContent = errorText(e); }
        } }, t(`notice.to.${next}`)), err);
  }

  async function redraw() {
    body.replaceChildren(...[
      h('p', { class: 'muted' }, t(`notice.category.${notice.category}`), ' · ', when(notice.published_at || notice.created_at),
        ' · ', t(`notice.status.${notice.status}`)),
      h('div', { class: 'notice-body', dataset: { testid: 'notice-body' } }, notice.body.split('\n').map((p) => h('p', null, p))),
      manage(),
      notice.status !== 'draft' && h('button', { type: 'button', class: 'secondary no-print', onclick: () => window.print() }, t('vote.print')),
      await receipts(),
    ].filter(Boolean));
  }
  await redraw();
  return h('article', { dataset: { testid: 'notice' } },
    crumb(`#/communities/${cid}/notices`, t('notices.title'), 'notice-back'),
    h('h1', { dataset: { testid: 'notice-title' } }, notice.title), status, body);
}
