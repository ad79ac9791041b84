/*
 * 我的家 (#/me): a resident's own household, GET /api/me/household.
 *
 * Each member is a card; the signed-in resident's own card says so and shows
 * their phone in full (the server masks everyone else's). Phone, skills and
 * willingness to volunteer are corrected at once (PATCH
 * /api/me/household/members/{id}); a name or an ID number goes to the
 * community workers as a correction request, listed below with its state.
 */

import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { get, request } from '../api.js';

/* Shown to users who hold the resident role. */
export function isResident(user) {
  return ((user && user.grants) || []).some((g) => g.role === 'resident');
}

function field(label, input, hint) {
  const id = uid('me');
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint && h('p', { class: 'hint' }, hint));
}

function memberCard(ctx, m) {
  const phone = h('input', { type: 'tel', autocomplete: m.self ? 'tel' : 'off', maxlength: 32, placeholder: m.phone || '', dataset: { testid: 'me-phone' } });
  const skills = h('input', { type: 'text', maxlength: 200, value: m.skills || '', dataset: { testid: 'me-skills' } });
  const languages = h('input', { type: 'text', maxlength: 100, value: m.languages || '', dataset: { testid: 'me-languages' } });
  const vol = h('input', { type: 'checkbox', dataset: { testid: 'me-volunteer' } });
  vol.checked = !!m.volunteer_willing;
  const name = h('input', { type: 'text', maxlength: 50, placeholder: m.name, dataset: { testid: 'me-name' } });
  const idn = h('input', { type: 'text', maxlength: 40, autocomplete: 'off', placeholder: m.id_number || '', dataset: { testid: 'me-id' } });
  const note = h('input', { type: 'text', maxlength: 200 });
  const volId = uid('me-vol');
  vol.id = volId;

  async function save(ev) {
    ev.preventDefault();
    const body = {};
    if (phone.value.trim()) body.phone = phone.value.trim();
    if (skills.value.trim() !== (m.skills || '')) body.skills = skills.value.trim();
    if (languages.value.trim() !== (m.languages || '')) body.languages = languages.value.trim();
    if (vol.checked !== !!m.volunteer_willing) body.volunteer_willing = vol.checked;
    if (name.value.trim() && name.value.trim() !== m.name) body.name = name.value.trim();
    if (idn.value.trim()) body.id_number = idn.value.trim();
    if ((body.name || body.id_number) && note.value.trim()) body.note = note.value.trim();
    if (Object.keys(body).length === 0) return;
    try {
      const r = await request('PATCH', `/api/me/household/members/${m.id}`, body);
      ctx.refresh();
      setTimeout(() => ctx.showNotice(r.corrections_created ? t('me.requested') : t('me.saved')), 0);
    } catch (err) { ctx.showError(err); }
  }

  return h('article', { class: 'card member', dataset: { testid: 'me-member' } },
    h('h2', null, m.name, m.self && h('span', { class: 'badge' }, t('me.self'))),
    h('dl', { class: 'facts' },
      h('dt', null, t('field.phone')), h('dd', { dataset: { testid: 'me-phone-value' } }, m.phone || '—'),
      h('dt', null, t('me.field.id_number')), h('dd', null, m.id_number || '—'),
      h('dt', null, t('me.relation')), h('dd', null, t(`me.relation.${m.relation}`)),
      h('dt', null, t('me.skills')), h('dd', null, m.skills || '—'),
      h('dt', null, t('me.languages')), h('dd', { dataset: { testid: 'me-languages-value' } }, m.languages || '—')),
    h('details', null,
      h('summary', { dataset: { testid: 'me-edit' } }, t('me.correct')),
      h('form', { class: 'stack', onsubmit: save },
        field(t('field.phone'), phone),
        field(t('me.skills'), skills),
        field(t('me.languages'), languages),
        h('div', { class: 'field check' }, vol, h('label', { for: volId }, t('me.volunteer'))),
        h('p', { class: 'hint' }, t('me.request.hint')),
        field(t('me.field.name'), name),
        field(t('me.field.id_number'), idn),
        field(t('me.note'), note),
        h('button', { type: 'submit', class: 'primary', dataset: { testid: 'me-save' } }, t('me.save')))));
}

export async function meView(ctx) {
  let hh;
  try {
    hh = await get('/api/me/household');
  } catch (err) {
    if (err.status !== 404) throw err;
    return h('section', { dataset: { testid: 'me-page' } }, h('h1', null, t('me.title')), h('p', { class: 'muted' }, t('me.unlinked')));
  }
  const d = hh.dwelling;
  return h('section', { class: 'me-page', dataset: { testid: 'me-page' } },
    h('h1', null, t('me.title')),
    h('p', { class: 'lead', dataset: { testid: 'me-dwelling' } }, d ? `${d.building} ${d.unit} ${d.room}` : t('invite.nohome')),
    hh.members.map((m) => memberCard(ctx, m)),
    h('h2', null, t('me.requests')),
    hh.corrections.length === 0 ? h('p', { class: 'muted' }, t('me.requests.none'))
      : h('ul', { class: 'plain', dataset: { testid: 'me-requests' } }, hh.corrections.map((c) => h('li', null,
        `${c.resident_name} · ${t(`me.field.${c.field}`)} → ${c.value} · `,
        h('strong', null, t(`corrections.status.${c.status}`)),
        c.reason ? ` (${c.reason})` : ''))));
}
