/*
 * Communities list: GET /api/communities, the communities the caller reads,
 * each with its counts. A list of cards rather than a table: on a 360px phone
 * six columns do not fit, and a card reads as one community.
 */

import { h } from '../dom.js';
import { t, formatInt } from '../i18n.js';
import { get } from '../api.js';
import { counts } from './parts.js';

export async function communitiesView() {
  const data = await get('/api/communities');
  const list = data.communities || [];

  return h('section', { dataset: { testid: 'communities-page' } },
    h('h1', null, t('communities.title')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('communities.empty'))
      : h('ul', { class: 'cards', dataset: { testid: 'communities-list' } }, list.map((c) =>
        h('li', { class: 'card', dataset: { testid: 'community-card' } },
          h('h2', null, h('a', { href: `#/communities/${c.id}`, dataset: { testid: 'community-link' } }, c.name)),
          h('p', { class: 'muted' }, t('communities.street', { name: c.street_name })),
          counts([
            ['count.grids', formatInt(c.grids)],
            ['count.compounds', formatInt(c.compounds)],
            ['count.buildings', formatInt(c.buildings)],
            ['count.dwellings', formatInt(c.dwellings)],
          ])))));
}
