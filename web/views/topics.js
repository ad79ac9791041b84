/*
 * Topics (议题): the topics of one community, GET /api/communities/{id}/topics,
 * with filters by stage, category and scope, and the form to raise one.
 *
 * Residents raise topics themselves (governance, not management): the form
 * is for every member, not only staff. The scope picker lists the
 * community's compounds and buildings from GET .../topic-settings, which
 * gives names and ids only. Filters are plain selects that reload the list;
 * the URL keeps no filter state (a reload shows everything again).
 */

import { h } from '../dom.js';
import { t, lang, formatInt } from '../i18n.js';
import { get, post, ApiError, errorText } from '../api.js';
import { FieldError } from './parts.js';
import { memberCommunities, form, formCardOf } from './rounds.js';
import { dateOf } from './conversations.js';

export const STAGES = ['proposal', 'discussion', 'decision', 'follow_up', 'closed', 'rejected'];
export const SCOPES = ['community', 'compound', 'building', 'unit'];

export function stageBadge(stage) {
  return h('span', { class: `badge badge-topic-${stage}`, dataset: { testid: 'topic-stage', stage } },
    t(`topic.stage.${stage}`));
}

/* A category's name in the UI language: the shipped ones have English. */
export function categoryName(settings, name) {
  if (lang() === 'zh-CN') return name;
  const c = ((settings && settings.categories) || []).find((x) => x.name === name);
  return (c && c.en) || name;
}

export function scopeText(scope) {
  if (!scope) return '';
  return scope.kind === 'community' ? t('topic.scope.community') : `${t(`topic.scope.${scope.kind}`)} · ${scope.name}`;
}

/* ---- the index: #/topics ----------------------------------------------------- */

export async function topicsIndexView(ctx) {
  const list = await memberCommunities(ctx.user);
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/topics`);
    return topicsView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'topics-index' } },
    h('h1', null, t('topics.title')),
    h('p', { class: 'muted' }, t('topics.intro')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('rounds.no_community'))
      : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${c.id}/topics`, dataset: { testid: 'topics-community-link' } },
          c.name || t('rounds.community_n', { id: c.id })))))));
}

/* ---- one community's topics ------------------------------------------------- */

export async function topicsView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}/topics`;
  const [first, settings] = await Promise.all([get(base), get(`/api/communities/${id}/topic-settings`)]);
  let data = first;
  const filter = { stage: '', category: '', scope: '' };

  const list = h('div', { 'aria-live': 'polite' });
  function draw() {
    const items = data.topics || [];
    list.replaceChildren(items.length === 0
      ? h('p', { class: 'muted', dataset: { testid: 'topics-empty' } }, t('topics.empty'))
      : h('ul', { class: 'cards', dataset: { testid: 'topics-list' } }, items.map((x) => card(id, x, settings))));
  }
  draw();

  async function reload() {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString();
    try {
      data = await get(q ? `${base}?${q}` : base);
      draw();
    } catch (e) {
      list.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e)));
    }
  }

  const select = (name, options) => {
    const sid = `topics-filter-${name}`;
    const el = h('select', { id: sid, dataset: { testid: `topics-filter-${name}` } },
      h('option', { value: '' }, t('topics.filter.all')),
      options.map(([v, label]) => h('option', { value: v }, label)));
    el.addEventListener('change', () => { filter[name] = el.value; reload(); });
    return h('div', { class: 'field' }, h('label', { for: sid }, t(`topics.filter.${name}`)), el);
  };
  const filters = h('div', { class: 'topic-filters no-print', role: 'search', dataset: { testid: 'topics-filters' } },
    select('stage', STAGES.map((s) => [s, t(`topic.stage.${s}`)])),
    select('category', (settings.categories || []).map((c) => [c.name, categoryName(settings, c.name)])),
    select('scope', SCOPES.map((s) => [s, t(`topic.scope.${s}`)])));

  const section = h('section', { class: 'topics-page', dataset: { testid: 'topics-page' } },
    h('h1', null, t('topics.title')),
    settings.community && h('p', { class: 'muted' }, settings.community.name),
    h('p', null, t('topics.intro')),
    h('p', { class: 'muted' }, t('topics.threshold', { n: formatInt(settings.support_threshold) })),
    raiseForm(id, settings, async () => { await reload(); }),
    h('h2', null, t('topics.list')),
    filters,
    list);
  return section;
}

function card(cid, x, settings) {
  return h('li', { class: 'card topic-card', dataset: { testid: 'topic-card', topic: x.id, stage: x.stage } },
    h('h3', null, h('a', { href: `#/communities/${cid}/topics/${x.id}`, dataset: { testid: 'topic-link' } }, x.title)),
    h('p', { class: 'round-meta' }, stageBadge(x.stage), ' ',
      h('span', { class: 'badge badge-category' }, categoryName(settings, x.category)), ' ',
      h('span', { class: 'muted' }, scopeText(x.scope))),
    h('p', { class: 'muted' }, t('topics.card_meta', { who: x.raiser_name, date: dateOf(x.created_at) }),
      x.raiser_kind === 'worker' && h('span', { class: 'badge badge-category' }, ` ${t('topic.raiser.worker')}`)),
    h('dl', { class: 'counts counts-2' },
      h('div', { class: 'count' }, h('dt', null, t('topic.support')), h('dd', { dataset: { testid: 'topic-card-support' } }, formatInt(x.support))),
      h('div', { class: 'count' }, h('dt', null, t('topic.comments')), h('dd', null, formatInt(x.comments)))));
}

/* The raise-a-topic form: every member may raise one. */
function raiseForm(cid, settings, after) {
  const placeOptions = [['community:', t('topic.scope.whole')]];
  for (const p of settings.places || []) {
    placeOptions.push([`compound:${p.id}`, `${t('topic.scope.compound')} · ${p.name}`]);
    for (const b of p.buildings || []) placeOptions.push([`building:${b.id}`, `${t('topic.scope.building')} · ${p.name} ${b.name}`]);
  }
  const f = form({
    testid: 'raise-topic',
    submitLabel: t('topics.raise.submit'),
    fields: [
      { name: 'title', label: t('topics.f.title'), required: true, maxlength: 100, hint: t('topics.f.title_hint') },
      { name: 'body', label: t('topics.f.body'), type: 'textarea', required: true, maxlength: 5000, hint: t('topics.f.body_hint') },
      {
        name: 'category', label: t('topics.f.category'), type: 'select', required: true, reset: false,
        options: (settings.categories || []).map((c) => [c.name, categoryName(settings, c.name)]),
      },
      { name: 'scope', label: t('topics.f.scope'), type: 'select', required: true, reset: false, options: placeOptions, hint: t('topics.f.scope_hint') },
    ],
    action: async (v) => {
      const title = v.title.trim();
      const body = v.body.trim();
      if (!title) throw new FieldError('title', t('topics.err.title'));
      if ([...title].length > 100) throw new FieldError('title', t('topics.err.too_long', { max: 100 }));
      if (!body) throw new FieldError('body', t('topics.err.body'));
      if ([...body].length > 5000) throw new FieldError('body', t('topics.err.too_long', { max: 5000 }));
      const [kind, sid] = v.scope.split(':');
      const req = { title, body, category: v.category, scope: kind };
      if (sid) req.scope_id = Number(sid);
      let r;
      try {
        r = await post(`/api/communities/${cid}/topics`, req);
      } catch (e) {
        /* The server names scope_id; the person chose it in the scope select. */
        if (e instanceof ApiError && e.field === 'scope_id') throw new FieldError('scope', errorText(e));
        throw e;
      }
      await after();
      return t('topics.raised', { title: r.title });
    },
  });
  return formCardOf(t('topics.raise'), 'raise-topic-card', f, false);
}
