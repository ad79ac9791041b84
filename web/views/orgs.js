/*
 * Local organisations (驻区单位) of one community: GET .../orgs as cards
 * (type, address, offer counts), the "who can provide…" search over
 * GET .../offers, and, for those who change the community, a form to add
 * one. Phones in the list come masked from the server; the page never
 * holds a full number.
 */

import { h } from '../dom.js';
import { t, formatInt } from '../i18n.js';
import { get, post } from '../api.js';
import { counts, formCard, FieldError } from './parts.js';

export const ORG_TYPES = ['school', 'hospital', 'company', 'shop', 'social_org', 'government', 'other'];
export const OFFER_KINDS = ['venue', 'goods', 'skilled_people', 'money', 'other'];

/* #/orgs: straight to the community when the user looks after one. */
export async function orgsIndexView(ctx) {
  const data = await get('/api/communities');
  const list = data.communities || [];
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/orgs`);
    return orgsView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'orgs-index' } },
    h('h1', null, t('orgs.title')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('communities.empty'))
      : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${c.id}/orgs` }, c.name))))));
}

/* One offer as a line: description, quantity, organisation, availability. */
export function offerLine(o, withOrg) {
  const bits = [];
  if (o.quantity !== null && o.quantity !== undefined) bits.push(`${formatInt(o.quantity)}${o.unit || ''}`);
  if (o.availability) bits.push(o.availability);
  bits.push(o.valid_until ? t('orgs.valid_until', { date: o.valid_until }) : t('orgs.no_end'));
  return h('li', { class: `offer${o.current === false ? ' expired' : ''}`, dataset: { testid: 'offer' } },
    h('span', { class: 'tag' }, t(`offer.kind.${o.kind}`)), ' ',
    h('strong', null, o.description),
    withOrg && o.org && h('span', null, ' · ', h('a', { href: withOrg(o.org.id) }, o.org.name)),
    h('p', { class: 'muted' }, bits.join(' · ')));
}

export async function orgsView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}`;
  const [data, community] = await Promise.all([get(`${base}/orgs`), get(base)]);
  const orgs = data.orgs || [];
  const orgHref = (oid) => `#/communities/${id}/orgs/${oid}`;

  /* the search */
  const results = h('div', { dataset: { testid: 'offer-results' }, 'aria-live': 'polite' });
  const q = h('input', { id: 'offer-q', type: 'search', maxlength: 100, autocomplete: 'off', dataset: { testid: 'offer-q' } });
  const kind = h('select', { id: 'offer-kind', dataset: { testid: 'offer-kind' } },
    h('option', { value: '' }, t('orgs.any_kind')),
    OFFER_KINDS.map((k) => h('option', { value: k }, t(`offer.kind.${k}`))));
  async function search(ev) {
    ev.preventDefault();
    const params = new URLSearchParams();
    if (q.value.trim()) params.set('q', q.value.trim());
    if (kind.value) params.set('kind', kind.value);
    try {
      const r = await get(`${base}/offers?${params}`);
      const list = r.offers || [];
      const people = r.residents || [];
      results.replaceChildren(
        h('h3', null, t('orgs.offers_title')),
        list.length === 0
          ? h('p', { class: 'muted' }, t('orgs.no_match'))
          : h('ul', { class: 'offers' }, list.map((o) => offerLine(o, orgHref))),
        /* residents with the skill, apart from the organisations */
        h('h3', null, t('orgs.residents')),
        h('p', { class: 'hint' }, t('orgs.residents_hint')),
        people.length === 0
          ? h('p', { class: 'muted', dataset: { testid: 'provider-people-empty' } }, t('orgs.no_residents'))
          : h('ul', { class: 'provider-people', dataset: { testid: 'provider-people' } }, people.map((p) =>
            h('li', { dataset: { testid: 'provider-person' } },
              h('a', { href: `#/communities/${id}/residents/${p.id}` }, p.name), ' · ', p.skills,
              p.building && h('span', { class: 'muted' }, ` · ${[p.compound, p.building, p.unit, p.room].filter(Boolean).join(' ')}`),
              p.volunteer_willing && h('span', null, ' ', h('span', { class: 'tag' }, t('residents.volunteer')))))));
    } catch (err) {
      ctx.showError(err);
    }
  }
  const searchForm = h('form', { class: 'search stack', role: 'search', onsubmit: search },
    h('div', { class: 'field' }, h('label', { for: 'offer-q' }, t('orgs.search')), q),
    h('div', { class: 'field' }, h('label', { for: 'offer-kind' }, t('field.kind')), kind),
    h('button', { type: 'submit', class: 'primary', dataset: { testid: 'offer-search' } }, t('orgs.search_go')),
    h('p', { class: 'hint' }, t('orgs.search_hint')));

  const section = h('section', { class: 'orgs-page', dataset: { testid: 'orgs-page' } },
    h('h1', null, t('orgs.title')),
    h('p', { class: 'muted' }, `${community.street_name} · ${community.name}`),
    searchForm, results,
    h('h2', null, t('orgs.list')),
    orgs.length === 0
      ? h('p', { class: 'muted', dataset: { testid: 'orgs-empty' } }, t('orgs.empty'))
      : h('ul', { class: 'cards', dataset: { testid: 'orgs-list' } }, orgs.map((o) =>
        h('li', { class: 'card', dataset: { testid: 'org-card' } },
          h('h3', null, h('a', { href: orgHref(o.id) }, o.name)),
          h('p', { class: 'muted' }, t(`org.type.${o.type}`), o.address ? ` · ${o.address}` : ''),
          o.contacts.length > 0 && h('p', { class: 'muted' }, o.contacts.map((c) =>
            [c.name, c.role, c.phone].filter(Boolean).join(' ')).join('；')),
          counts([['orgs.offers', formatInt(o.offers)], ['orgs.current_offers', formatInt(o.current_offers)]])))));

  if (ctx.canChange(community)) {
    section.append(formCard({
      title: t('orgs.add'),
      testid: 'org-form',
      submitLabel: t('orgs.add'),
      fields: [
        { name: 'name', label: t('field.name'), required: true },
        { name: 'type', label: t('field.type'), type: 'select', required: true, options: () => ORG_TYPES.map((k) => [k, t(`org.type.${k}`)]) },
        { name: 'address', label: t('field.address'), maxlength: 200 },
        { name: 'contact', label: t('orgs.contact_name') },
        { name: 'role', label: t('field.role') },
        { name: 'phone', label: t('field.phone'), inputmode: 'tel', hint: t('orgs.phone_hint') },
      ],
      action: async (v) => {
        if (!v.name.trim()) throw new FieldError('name', t('orgs.need_name'));
        const body = { name: v.name.trim(), type: v.type };
        if (v.address.trim()) body.address = v.address.trim();
        if (v.contact.trim()) {
          const c = { name: v.contact.trim() };
          if (v.role.trim()) c.role = v.role.trim();
          if (v.phone.trim()) c.phone = v.phone.trim();
          body.contacts = [c];
        }
        const r = await post(`${base}/orgs`, body).catch((err) => {
          /* the server names the contact item; blame the input that holds it */
          const m = /^contacts\[0\]\.(\w+)$/.exec(err.field || '');
          if (m) err.field = m[1] === 'name' ? 'contact' : m[1];
          throw err;
        });
        ctx.navigate(`/communities/${id}/orgs/${r.id}`);
        return t('orgs.added');
      },
    }));
  }
  return section;
}
