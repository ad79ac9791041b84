/*
 * Volunteers of a community (志愿者, issue 5): the list for staff with the
 * young (青年志愿者, 14-35) and minors marked, and the registration form
 * for coordinators, with the consent the Volunteer Service Regulations ask
 * for and a guardian's consent under 18 (the form asks for it as soon as
 * the birth date makes the person a minor; the server checks again).
 *
 * Exports of confirmed hours (CSV, XLSX) are plain links: the session
 * cookie goes with them, and the server answers the file.
 */

import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { memberCommunities, isStaff } from './rounds.js';

/* #/volunteers, #/my-shifts, #/roster: straight to the one community. */
export function communityPicker(titleKey, suffix, testid) {
  return async function pickerView(ctx) {
    const list = await memberCommunities(ctx.user);
    if (list.length === 1) {
      location.replace(`#/communities/${list[0].id}/${suffix}`);
      return h('section', null, h('h1', null, t(titleKey)));
    }
    return h('section', { dataset: { testid } },
      h('h1', null, t(titleKey)),
      list.length === 0
        ? h('p', { class: 'muted' }, t('communities.empty'))
        : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
          h('h2', null, h('a', { href: `#/communities/${c.id}/${suffix}` }, c.name || t('rounds.community_n', { id: c.id })))))));
  };
}

export const volunteersIndexView = communityPicker('vol.title', 'volunteers', 'volunteers-index');

export function ageBadges(v) {
  return [
    v.young && h('span', { class: 'badge vol-young', dataset: { testid: 'vol-young' } }, t('vol.young')),
    v.minor && h('span', { class: 'badge vol-minor' }, t('vol.minor')),
  ];
}

/* A labelled input; returns [wrapper, input]. */
export function field(key, attrs = {}) {
  const id = uid('vol');
  const input = attrs.tag === 'select'
    ? h('select', { id, name: key, dataset: { testid: `vol-${key}` } }, (attrs.options || []).map(([v, l]) => h('option', { value: v }, l)))
    : h('input', { id, name: key, type: attrs.type || 'text', dataset: { testid: `vol-${key}` }, ...(attrs.input || {}) });
  return [h('div', { class: 'field' }, h('label', { for: id }, t(`vol.f.${key}`)), input,
    attrs.hint ? h('p', { class: 'hint' }, t(attrs.hint)) : null), input];
}

function ageOn(birth, today) {
  if (!/^\d{4}-\d\d-\d\d$/.test(birth)) return null;
  let age = Number(today.slice(0, 4)) - Number(birth.slice(0, 4));
  if (today.slice(5) < birth.slice(5)) age -= 1;
  return age;
}

/* Today in Asia/Shanghai as YYYY-MM-DD. */
export function shanghaiToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function addForm(ctx, base) {
  const inputs = {};
  const rows = [];
  const add = (key, attrs) => {
    const [row, input] = field(key, attrs);
    inputs[key] = input;
    rows.push(row);
    return row;
  };
  add('name', { input: { required: true, maxlength: 40 } });
  add('birth_date', { type: 'date', input: { required: true } });
  add('phone', { type: 'tel', input: { maxlength: 20 } });
  add('id_type', { tag: 'select', options: ['id_card', 'passport', 'hk_macao', 'taiwan', 'other'].map((k) => [k, t(`vol.idtype.${k}`)]) });
  add('id_number', { input: { maxlength: 30, autocomplete: 'off' } });
  add('skills', { hint: 'vol.h.skills' });
  add('user_id', { type: 'number', hint: 'vol.h.user_id', input: { min: 1 } });
  add('availability', { hint: 'vol.h.availability' });
  add('insured_until', { type: 'date' });
  add('consent_date', { type: 'date', input: { required: true, value: shanghaiToday() } });
  add('consent_method', { tag: 'select', options: ['paper', 'online', 'oral_recorded'].map((k) => [k, t(`vol.consent.${k}`)]) });
  add('consent_version', { input: { required: true, value: 'v1', maxlength: 40 } });
  const guardian = h('fieldset', { class: 'vol-guardian', hidden: true, dataset: { testid: 'vol-guardian' } },
    h('legend', null, t('vol.guardian')),
    ['guardian_name', 'guardian_relation', 'guardian_date', 'guardian_evidence'].map((k) => {
      const [row, input] = field(k, { type: k === 'guardian_date' ? 'date' : 'text' });
      inputs[k] = input;
      return row;
    }));
  inputs.birth_date.addEventListener('change', () => {
    const age = ageOn(inputs.birth_date.value, shanghaiToday());
    guardian.hidden = !(age !== null && age < 18);
  });
  const status = h('p', { class: 'muted', 'aria-live': 'polite' });
  const form = h('form', { class: 'form-card', dataset: { testid: 'vol-add' } },
    h('h2', null, t('vol.add')),
    h('p', { class: 'hint' }, t('vol.consent_intro')),
    rows, guardian,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', dataset: { testid: 'vol-add-submit' } }, t('vol.add_submit'))),
    status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    for (const [k, input] of Object.entries(inputs)) {
      const v = input.value.trim();
      if (v === '') continue;
      if (k.startsWith('guardian_') && guardian.hidden) continue;
      body[k] = k === 'user_id' ? Number(v) : v;
    }
    try {
      const r = await post(`${base}/volunteers`, body);
      ctx.navigate(`${base.replace('/api', '')}/volunteers/${r.id}`);
    } catch (err) {
      ctx.showError(err);
    }
  });
  return form;
}

/* #/communities/:id/volunteers */
export async function volunteersView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}`;
  const data = await get(`${base}/volunteers`);
  const year = shanghaiToday().slice(0, 4);
  const list = data.volunteers || [];
  return h('section', { class: 'vol-page', dataset: { testid: 'volunteers' } },
    h('h1', null, t('vol.title')),
    h('p', { class: 'no-print' },
      h('a', { href: `#/communities/${id}/roster` }, t('vol.roster')), ' · ',
      h('a', { href: `${base}/volunteer-hours/export?year=${year}`, download: `hours-${year}.csv`, dataset: { testid: 'vol-export-csv' } }, t('vol.export_csv')), ' · ',
      h('a', { href: `${base}/volunteer-hours/export?year=${year}&format=xlsx`, download: `hours-${year}.xlsx` }, t('vol.export_xlsx'))),
    list.length === 0
      ? h('p', { class: 'muted' }, t('vol.empty'))
      : h('div', { class: 'scroll-x' }, h('table', { class: 'vol-table', dataset: { testid: 'vol-list' } },
        h('thead', null, h('tr', null, ['name', 'age', 'skills', 'team', 'status', 'no_shows'].map((k) => h('th', null, t(`vol.col.${k}`))))),
        h('tbody', null, list.map((v) => h('tr', { dataset: { testid: 'vol-row' } },
          h('td', null, h('a', { href: `#/communities/${id}/volunteers/${v.id}` }, v.name), ' ', ageBadges(v)),
          h('td', null, v.age ?? ''),
          h('td', null, v.skills),
          h('td', null, v.team),
          h('td', null, t(`vol.status.${v.status}`)),
          h('td', null, String(v.no_shows), v.talk_required && h('span', { class: 'badge badge-overdue' }, t('vol.talk_required')))))))),
    data.can_manage && isStaff(ctx.user) && addForm(ctx, base));
}
