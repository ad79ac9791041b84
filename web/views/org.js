/*
 * One local organisation (驻区单位): GET .../orgs/{org} with its contacts,
 * offers, co-building agreements (共建) and interactions (newest first).
 * Those who change the community get forms to add an offer, an agreement,
 * an interaction and a contact, and a button to withdraw an offer; they
 * also see contacts' phones in full (the server decides, and audits it).
 * Dates are typed as YYYY-MM-DD into text inputs: the server checks them
 * and names the field, and the page prints the same text it shows.
 */

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, del, request } from '../api.js';
import { formCard, FieldError } from './parts.js';
import { OFFER_KINDS, offerLine } from './orgs.js';

const INTERACTION_KINDS = ['visit', 'call', 'event', 'donation', 'other'];

function today() {
  /* the date in China, like the server's "current" */
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function dateField(name, required, value) {
  return { name, label: t(`field.${name}`), required, value: value || '', hint: t('orgs.date_hint'), maxlength: 10, inputmode: 'numeric' };
}

export async function orgView(ctx) {
  const [id, oid] = ctx.params;
  const base = `/api/communities/${id}`;
  const url = `${base}/orgs/${oid}`;
  const [o, community] = await Promise.all([get(url), get(base)]);
  const change = ctx.canChange(community);
  const todayText = today();

  const offers = h('ul', { class: 'offers', dataset: { testid: 'org-offers' } },
    o.offers.length === 0 && h('li', { class: 'muted' }, t('org.no_offers')),
    o.offers.map((x) => {
      const li = offerLine({ ...x, current: !x.valid_until || x.valid_until >= todayText }, null);
      if (change) {
        li.append(h('button', {
          type: 'button', class: 'link-button no-print', dataset: { testid: 'offer-delete' },
          onclick: async () => {
            if (!window.confirm(t('org.withdraw_confirm', { what: x.description }))) return;
            try {
              await del(`${url}/offers/${x.id}`);
              ctx.refresh();
            } catch (err) {
              ctx.showError(err);
            }
          },
        }, t('org.withdraw')));
      }
      return li;
    }));

  const section = h('section', { class: 'org-page', dataset: { testid: 'org-page' } },
    h('p', { class: 'no-print' }, h('a', { href: `#/communities/${id}/orgs` }, `← ${t('orgs.title')}`)),
    h('h1', null, o.name),
    h('p', { class: 'muted' }, t(`org.type.${o.type}`), o.address ? ` · ${o.address}` : ''),
    o.notes && h('p', { class: 'notes' }, o.notes),
    h('h2', null, t('org.contacts')),
    o.contacts.length === 0
      ? h('p', { class: 'muted' }, t('org.no_contacts'))
      : h('ul', { class: 'plain', dataset: { testid: 'org-contacts' } }, o.contacts.map((c) =>
        h('li', null, h('strong', null, c.name), c.role ? ` · ${c.role}` : '',
          c.phone ? [' · ', change && o.phones === 'full' ? h('a', { href: `tel:${c.phone}` }, c.phone) : c.phone] : ''))),
    h('h2', null, t('org.offers')),
    offers,
    h('h2', null, t('org.agreements')),
    o.agreements.length === 0
      ? h('p', { class: 'muted' }, t('org.no_agreements'))
      : h('ul', { class: 'plain', dataset: { testid: 'org-agreements' } }, o.agreements.map((a) =>
        h('li', null, h('strong', null, a.title), ` · ${a.start_date} – ${a.end_date || t('org.open_end')}`,
          a.notes && h('p', { class: 'muted' }, a.notes)))),
    h('h2', null, t('org.interactions')),
    o.interactions.length === 0
      ? h('p', { class: 'muted' }, t('org.no_interactions'))
      : h('ul', { class: 'plain', dataset: { testid: 'org-interactions' } }, o.interactions.map((x) =>
        h('li', null, h('strong', null, x.date), ` · ${t(`interaction.kind.${x.kind}`)}`,
          x.recorded_by_name ? ` · ${t('org.recorded_by', { name: x.recorded_by_name })}` : '',
          x.notes && h('p', { class: 'muted' }, x.notes)))));

  if (!change) return section;

  const done = (text) => {
    ctx.refresh();
    return text;
  };
  section.append(
    h('h2', { class: 'no-print' }, t('org.manage')),
    formCard({
      title: t('org.add_offer'),
      testid: 'offer-form',
      submitLabel: t('org.add_offer'),
      fields: [
        { name: 'kind', label: t('field.kind'), type: 'select', required: true, options: () => OFFER_KINDS.map((k) => [k, t(`offer.kind.${k}`)]) },
        { name: 'description', label: t('field.description'), required: true, maxlength: 500 },
        { name: 'quantity', label: t('field.quantity'), inputmode: 'numeric' },
        { name: 'unit', label: t('field.unit'), maxlength: 20 },
        { name: 'availability', label: t('field.availability'), maxlength: 200, hint: t('org.availability_hint') },
        dateField('valid_until', false),
      ],
      action: async (v) => {
        const body = { kind: v.kind, description: v.description.trim() };
        if (v.quantity.trim()) {
          if (!/^\d{1,10}$/.test(v.quantity.trim())) throw new FieldError('quantity', t('org.bad_quantity'));
          body.quantity = Number(v.quantity.trim());
        }
        for (const k of ['unit', 'availability', 'valid_until']) if (v[k].trim()) body[k] = v[k].trim();
        await post(`${url}/offers`, body);
        return done(t('org.saved'));
      },
    }),
    formCard({
      title: t('org.add_agreement'),
      testid: 'agreement-form',
      submitLabel: t('org.add_agreement'),
      fields: [
        { name: 'title', label: t('field.title'), required: true },
        dateField('start_date', true, todayText),
        dateField('end_date', false),
        { name: 'notes', label: t('field.notes'), maxlength: 2000 },
      ],
      action: async (v) => {
        const body = { title: v.title.trim(), start_date: v.start_date.trim() };
        if (v.end_date.trim()) body.end_date = v.end_date.trim();
        if (v.notes.trim()) body.notes = v.notes.trim();
        await post(`${url}/agreements`, body);
        return done(t('org.saved'));
      },
    }),
    formCard({
      title: t('org.add_interaction'),
      testid: 'interaction-form',
      submitLabel: t('org.add_interaction'),
      fields: [
        dateField('date', true, todayText),
        { name: 'kind', label: t('field.kind'), type: 'select', required: true, options: () => INTERACTION_KINDS.map((k) => [k, t(`interaction.kind.${k}`)]) },
        { name: 'notes', label: t('field.notes'), maxlength: 2000 },
      ],
      action: async (v) => {
        const body = { date: v.date.trim(), kind: v.kind };
        if (v.notes.trim()) body.notes = v.notes.trim();
        await post(`${url}/interactions`, body);
        return done(t('org.saved'));
      },
    }),
    formCard({
      title: t('org.add_contact'),
      testid: 'contact-form',
      submitLabel: t('org.add_contact'),
      fields: [
        { name: 'contact', label: t('orgs.contact_name'), required: true },
        { name: 'role', label: t('field.role') },
        { name: 'phone', label: t('field.phone'), inputmode: 'tel', hint: t('orgs.phone_hint') },
      ],
      action: async (v) => {
        /* PATCH replaces the list: send the ones we have (full phones, we are
           a changer) plus the new one. */
        const c = { name: v.contact.trim() };
        if (v.role.trim()) c.role = v.role.trim();
        if (v.phone.trim()) c.phone = v.phone.trim();
        const keep = o.contacts.map((x) => Object.fromEntries(Object.entries(x).filter(([, val]) => val !== null)));
        const n = keep.length;
        await request('PATCH', url, { contacts: [...keep, c] }).catch((err) => {
          const m = /^contacts\[(\d+)\]\.(\w+)$/.exec(err.field || '');
          if (m && Number(m[1]) === n) err.field = m[2] === 'name' ? 'contact' : m[2];
          throw err;
        });
        return done(t('org.saved'));
      },
    }));
  return section;
}
