/*
 * One volunteer (staff, or the volunteer themself): who they are (phone and
 * ID number masked), guardian and consent records, the service hours of a
 * year by month and record, and the certificates (志愿服务记录证明); a
 * coordinator records a talk after no-shows and issues a certificate.
 *
 * The certificate page is an A4 sheet with the contents the Ministry of
 * Civil Affairs rules ask for, and lines for the seal and the signature.
 */

import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { ageBadges, shanghaiToday } from './volunteers.js';

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => h('div', null, h('dt', null, t(k)), h('dd', null, v))));
}

/* #/communities/:id/volunteers/:v */
export async function volunteerView(ctx) {
  const [id, vid] = ctx.params;
  const base = `/api/communities/${id}`;
  const year = Number(shanghaiToday().slice(0, 4));
  const [v, hours] = await Promise.all([get(`${base}/volunteers/${vid}`), get(`${base}/volunteers/${vid}/hours?year=${year}`)]);
  const section = h('section', { class: 'vol-page', dataset: { testid: 'volunteer' } });
  const talkNote = h('input', { id: uid('talk'), maxlength: 200, dataset: { testid: 'vol-talk-note' } });
  const talk = v.can_manage && v.talk_required && h('form', { class: 'form-card', dataset: { testid: 'vol-talk' } },
    h('p', { class: 'care-alert' }, t('vol.talk_intro', { n: v.no_shows })),
    h('label', { for: talkNote.id }, t('vol.talk_note')), talkNote,
    h('button', { type: 'submit' }, t('vol.talk_submit')));
  if (talk) {
    talk.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        await post(`${base}/volunteers/${vid}/talks`, { note: talkNote.value.trim() });
        ctx.refresh();
      } catch (err) { ctx.showError(err); }
    });
  }
  const issue = v.can_manage && h('button', { type: 'button', dataset: { testid: 'vol-issue-cert' },
    onclick: async () => {
      try {
        const r = await post(`${base}/volunteers/${vid}/certificates`, { year });
        ctx.navigate(`/communities/${id}/certificates/${r.id}`);
      } catch (err) { ctx.showError(err); }
    } }, t('vol.issue_cert', { year }));
  section.append(
    h('p', { class: 'crumbs no-print' }, h('a', { href: `#/communities/${id}/volunteers` }, t('vol.title'))),
    h('h1', null, v.name, ' ', ageBadges(v)),
    facts([
      ['vol.f.birth_date', v.birth_date], ['vol.col.age', v.age ?? ''], ['vol.f.phone', v.phone],
      ['vol.f.id_number', v.id_number && `${t(`vol.idtype.${v.id_type}`)} ${v.id_number}`],
      ['vol.col.skills', v.skills], ['vol.col.team', v.team], ['vol.col.status', t(`vol.status.${v.status}`)],
      ['vol.f.insured_until', v.insured_until], ['vol.f.availability', v.availability], ['vol.f.exceptions', v.exceptions],
      ['vol.consent', `${v.consent.date} · ${t(`vol.consent.${v.consent.method}`)} · ${v.consent.version}`],
      ['vol.guardian', v.guardian && `${v.guardian.name}（${v.guardian.relation}）${v.guardian.date} · ${v.guardian.evidence}`],
      ['vol.col.no_shows', String(v.no_shows)],
    ]),
    talk,
    h('h2', null, t('vol.hours_title', { year })),
    h('p', { dataset: { testid: 'vol-hours-total' } }, t('vol.hours_total', { hours: hours.hours, n: hours.records.filter((r) => r.confirmed).length })),
    hours.unconfirmed_minutes > 0 && h('p', { class: 'muted' }, t('vol.unconfirmed', { minutes: hours.unconfirmed_minutes })),
    h('div', { class: 'scroll-x' }, h('table', { class: 'vol-table' },
      h('thead', null, h('tr', null, ['date', 'post', 'time', 'minutes', 'confirmed'].map((k) => h('th', null, t(`vol.rec.${k}`))))),
      h('tbody', null, hours.records.map((r) => h('tr', null,
        h('td', null, r.date), h('td', null, `${r.scene}·${r.post}`), h('td', null, `${r.start}–${r.end}`),
        h('td', null, String(r.minutes)), h('td', null, r.confirmed ? t('vol.yes') : t('vol.no'))))))),
    h('h2', null, t('vol.certs')),
    hours.certificates.length === 0 ? h('p', { class: 'muted' }, t('vol.no_certs'))
      : h('ul', null, hours.certificates.map((c) => h('li', null,
        h('a', { href: `#/communities/${id}/certificates/${c.id}` }, c.number), ` · ${c.year} · ${c.issued}`))),
    issue);
  return section;
}

/* #/communities/:id/certificates/:c - printable on A4 */
export async function certificateView(ctx) {
  const [id, cid] = ctx.params;
  const c = await get(`/api/communities/${id}/certificates/${cid}`);
  const row = (k, v, testid) => h('tr', null, h('th', { scope: 'row' }, t(k)), h('td', { dataset: testid ? { testid } : undefined }, v));
  return h('section', { class: 'vol-cert', dataset: { testid: 'certificate' } },
    h('p', { class: 'no-print' }, h('button', { type: 'button', onclick: () => window.print() }, t('vol.print'))),
    h('h1', null, t('vol.cert_title')),
    h('p', { class: 'vol-cert-no' }, t('vol.cert_no'), ' ', h('strong', { dataset: { testid: 'cert-number' } }, c.number)),
    h('table', { class: 'vol-cert-table' }, h('tbody', null,
      row('vol.cert.name', c.name),
      row('vol.cert.id', c.id_number ? `${t(`vol.idtype.${c.id_type}`)} ${c.id_number}` : t('vol.cert.no_id')),
      row('vol.cert.org', c.organisation),
      row('vol.cert.content', (c.service_content || []).join('；')),
      row('vol.cert.period', `${c.period_start} — ${c.period_end}`),
      row('vol.cert.hours', t('vol.cert.hours_value', { hours: c.hours, n: c.records }), 'cert-hours'),
      row('vol.cert.issuer', c.issuer),
      row('vol.cert.date', c.issued_on))),
    h('p', { class: 'hint' }, t('vol.cert_note')),
    h('p', { class: 'sign-line' }, t('vol.cert_seal')),
    h('p', { class: 'sign-line' }, t('vol.cert_sign')));
}
