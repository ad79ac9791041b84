/*
 * Conversations (议事): the conversations of one community,
 * GET /api/communities/{id}/conversations, and the form that opens one.
 *
 * A conversation is Pol.is-style: members write short statements and say
 * agree, disagree or pass to each other's; the opinion map then shows the
 * groups of like-minded people and what everyone shares. Which community a
 * user belongs to comes from their grants, as for the micro-fund.
 */

import { h } from '../dom.js';
import { t, lang, formatInt } from '../i18n.js';
import { get, post } from '../api.js';
import { memberCommunities, communityInfo, form, formCardOf, needText } from './rounds.js';

export function convStatusBadge(status) {
  return h('span', { class: `badge badge-conv-${status}`, dataset: { testid: 'conversation-status', status } },
    t(`conv.status.${status}`));
}

/* Unix seconds -> a date in the UI language. */
export function dateOf(seconds) {
  if (!seconds) return '';
  return new Date(Number(seconds) * 1000).toLocaleDateString(lang());
}

/* ---- the index: #/conversations ---------------------------------------------- */

export async function conversationsIndexView(ctx) {
  const list = await memberCommunities(ctx.user);
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/conversations`);
    return conversationsView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'conversations-index' } },
    h('h1', null, t('convs.title')),
    h('p', { class: 'muted' }, t('convs.intro')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('rounds.no_community'))
      : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${c.id}/conversations`, dataset: { testid: 'conversations-community-link' } },
          c.name || t('rounds.community_n', { id: c.id })))))));
}

/* ---- one community's conversations ------------------------------------------- */

export async function conversationsView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}/conversations`;
  const [first, community] = await Promise.all([get(base), communityInfo(ctx.user, id)]);
  let data = first;

  const list = h('div');
  function draw() {
    const items = data.conversations || [];
    list.replaceChildren(items.length === 0
      ? h('p', { class: 'muted', dataset: { testid: 'conversations-empty' } }, t('convs.empty'))
      : h('ul', { class: 'cards', dataset: { testid: 'conversations-list' } }, items.map((c) => card(id, c))));
  }
  draw();

  const section = h('section', { dataset: { testid: 'conversations-page' } },
    h('h1', null, t('convs.title')),
    community.name && h('p', { class: 'muted' }, `${community.street_name} · ${community.name}`),
    h('p', null, t('convs.intro')),
    h('h2', null, t('convs.list')),
    list);

  if (data.can_manage) {
    const f = form({
      testid: 'open-conversation',
      submitLabel: t('convs.open.submit'),
      fields: [
        { name: 'title', label: t('convs.f.title'), required: true, maxlength: 100, hint: t('convs.f.title_hint') },
        { name: 'description', label: t('convs.f.description'), type: 'textarea', maxlength: 2000 },
        {
          name: 'moderation', label: t('convs.f.moderation'), type: 'select', required: true, reset: false, value: 'strict',
          hint: t('convs.f.moderation_hint'),
          options: [['strict', t('moderation.strict.name')], ['loose', t('moderation.loose.name')]],
        },
      ],
      action: async (v) => {
        const title = needText(v, 'title');
        const body = { title, moderation: v.moderation };
        if (v.description.trim()) body.description = v.description.trim();
        await post(base, body);
        data = await get(base);
        draw();
        return t('convs.opened', { title });
      },
    });
    section.append(h('section', { class: 'no-print', dataset: { testid: 'conversations-manage' } },
      h('h2', null, t('rounds.manage')),
      formCardOf(t('convs.open'), 'open-conversation-card', f, (data.conversations || []).length === 0)));
  }
  return section;
}

function card(cid, c) {
  return h('li', { class: 'card round-card', dataset: { testid: 'conversation-card', conversation: c.id } },
    h('h3', null, h('a', { href: `#/communities/${cid}/conversations/${c.id}`, dataset: { testid: 'conversation-link' } }, c.title)),
    h('p', { class: 'round-meta' }, convStatusBadge(c.status), ' ',
      h('span', { class: 'muted' }, `${t(`moderation.${c.moderation}.name`)} · ${dateOf(c.created_at)}`)),
    h('dl', { class: 'counts counts-3' },
      h('div', { class: 'count' }, h('dt', null, t('conv.statements')), h('dd', null, formatInt(c.statements))),
      h('div', { class: 'count' }, h('dt', null, t('conv.participants')), h('dd', null, formatInt(c.participants))),
      h('div', { class: 'count' }, h('dt', null, t('conv.votes')), h('dd', null, formatInt(c.votes)))));
}
