/*
 * One resident: GET .../residents/{rid}, ID number and phone masked.
 *
 * Those who change the community (admin, street officer, worker) also get:
 *   - "显示完整信息": GET ...?unmask=1, which the server writes to the audit
 *     log; the page says so next to the button before anyone presses it, and
 *     the full values live only in this page's DOM until it is left;
 *   - the edit form (PATCH, only the fields that changed; an empty ID number
 *     or phone means "unchanged"), each error next to the field the server
 *     names;
 *   - deletion, with a reason (kept in the audit entry) and a confirmation.
 *
 * The <section data-part="..."> blocks are where other modules (care tags,
 * owners, consent, the resident's own account) draw their parts
 * (resident_parts.js); a part the caller may not read stays empty (and
 * hidden by CSS).
 */

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, request, errorText } from '../api.js';
import { addressBook, dwellingPicker, residentFields, ageOf } from './residents.js';
import { drawResidentParts } from './resident_parts.js';

export async function residentView(ctx) {
  const [cid, rid] = ctx.params;
  const base = `/api/communities/${cid}`;
  const url = `${base}/residents/${rid}`;
  const [r, community] = await Promise.all([get(url), get(base)]);
  const change = ctx.canChange(community);
  const book = addressBook(cid, community);
  if (r.dwelling_id) await book.load([r.dwelling_id]);

  const idValue = h('dd', { dataset: { testid: 'resident-id_number' } }, r.id_number || t('resident.none'));
  const phoneValue = h('dd', { dataset: { testid: 'resident-phone' } }, r.phone || t('resident.none'));
  const age = ageOf(r.birth_date);
  const where = r.dwelling_id ? book.label(r.dwelling_id) : t('residents.no_dwelling');
  const item = (key, value, testid) => h('div', { class: 'count' },
    h('dt', null, t(key)), h('dd', { dataset: testid ? { testid } : undefined }, value));

  const facts = h('dl', { class: 'facts', dataset: { testid: 'resident-facts' } },
    item('residents.gender', t(`gender.${r.gender}`)),
    item('residents.birth_date', r.birth_date ? `${r.birth_date}${age === null ? '' : ` (${t('residents.age_n', { n: age })})`}` : t('resident.none')),
    h('div', { class: 'count' }, h('dt', null, t('residents.id_number')), idValue),
    h('div', { class: 'count' }, h('dt', null, t('residents.phone')), phoneValue),
    item('residents.relation', t(`relation.${r.relation}`)),
    item('residents.residency', t(`residency.${r.residency}`)),
    item('residents.dwelling', r.dwelling_id
      ? h('a', { href: `#/communities/${cid}/dwellings/${r.dwelling_id}/residents`, dataset: { testid: 'resident-household' } }, where)
      : where),
    item('residents.skills', r.skills || t('resident.none'), 'resident-skills'),
    item('residents.languages', r.languages || t('resident.none'), 'resident-languages'),
    item('residents.volunteer_willing', r.volunteer_willing ? t('resident.yes') : t('resident.no')));

  const section = h('section', { class: 'resident-page', dataset: { testid: 'resident-page' } },
    h('p', { class: 'crumbs no-print' },
      h('a', { href: `#/communities/${cid}/residents` }, `← ${t('residents.title')}`)),
    h('h1', { dataset: { testid: 'resident-name' } }, r.name),
    h('p', { class: 'muted' }, `${community.name} · ${where}`),
    facts);

  if (change) {
    const note = h('p', { class: 'hint', id: 'unmask-note' }, t('resident.unmask_note'));
    const status = h('p', { class: 'ok', role: 'status', dataset: { testid: 'unmask-status' } });
    const button = h('button', {
      type: 'button', class: 'secondary', 'aria-describedby': 'unmask-note', dataset: { testid: 'unmask' },
      onclick: async () => {
        button.disabled = true;
        try {
          const full = await get(`${url}?unmask=1`);
          idValue.textContent = full.id_number || t('resident.none');
          phoneValue.textContent = full.phone || t('resident.none');
          status.textContent = t('resident.unmasked');
          button.hidden = true;
        } catch (err) {
          button.disabled = false;
          ctx.showError(err);
        }
      },
    }, t('resident.unmask'));
    section.append(h('div', { class: 'unmask no-print' }, button, note, status));
  }

  /* parts of other modules (resident_parts.js) */
  for (const part of ['care', 'owners', 'consent', 'account']) {
    section.append(h('section', { class: 'part', dataset: { part, resident: String(r.id), community: String(cid) } }));
  }
  drawResidentParts(section, cid, r.id, change);

  if (change) {
    section.append(editForm(ctx, cid, community, url, r, book));
    section.append(deleteForm(ctx, cid, url, r));
  }
  return section;
}

function editForm(ctx, cid, community, url, r, book) {
  const picker = dwellingPicker(cid, community, 'res-edit-where', t('residents.none_chosen'));
  if (r.dwelling_id) picker.set(book.dwelling(r.dwelling_id)).catch((err) => ctx.showError(err));
  const f = residentFields('res-edit', picker, r);
  const general = h('p', { class: 'error', role: 'alert', dataset: { testid: 'res-edit-error' } });
  const status = h('p', { class: 'ok', role: 'status', dataset: { testid: 'res-edit-status' } });
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'res-edit-submit' } }, t('resident.save'));
  async function onsubmit(ev) {
    ev.preventDefault();
    f.clear();
    general.textContent = '';
    status.textContent = '';
    const v = f.values();
    if (!v.name) {
      f.blame('name', t('residents.need_name'));
      return;
    }
    /* only what changed: the server checks the result as a whole */
    const body = {};
    const same = (a, b) => (a || '') === (b || '');
    for (const k of ['name', 'relation', 'residency', 'skills', 'languages', 'birth_date']) if (!same(v[k], r[k])) body[k] = v[k];
    if (v.gender && v.gender !== r.gender) body.gender = v.gender;
    if (v.id_number) body.id_number = v.id_number;
    if (v.phone) body.phone = v.phone;
    if (v.volunteer_willing !== !!r.volunteer_willing) body.volunteer_willing = v.volunteer_willing;
    if ((v.dwelling_id || null) !== (r.dwelling_id || null)) body.dwelling_id = v.dwelling_id;
    if (Object.keys(body).length === 0) {
      status.textContent = t('resident.nothing');
      return;
    }
    submit.disabled = true;
    try {
      await request('PATCH', url, body);
      ctx.refresh();
    } catch (err) {
      if (!f.blame(err.field, errorText(err))) general.textContent = errorText(err);
    } finally {
      submit.disabled = false;
    }
  }
  return h('details', { class: 'form-card no-print', dataset: { testid: 'res-edit' } },
    h('summary', null, t('resident.edit')),
    h('form', { class: 'stack', novalidate: true, onsubmit }, f.node, general, submit, status));
}

function deleteForm(ctx, cid, url, r) {
  const reason = h('input', { id: 'res-del-reason', type: 'text', maxlength: 200, autocomplete: 'off', 'aria-describedby': 'res-del-hint', dataset: { testid: 'res-del-reason' } });
  const error = h('p', { class: 'error', role: 'alert', dataset: { testid: 'res-del-error' } });
  async function onsubmit(ev) {
    ev.preventDefault();
    error.textContent = '';
    const why = reason.value.trim();
    if (!why) {
      error.textContent = t('resident.need_reason');
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    if (!window.confirm(t('resident.delete_confirm', { name: r.name }))) return;
    try {
      await request('DELETE', url, { reason: why });
      ctx.navigate(`/communities/${cid}/residents`);
    } catch (err) {
      error.textContent = errorText(err);
    }
  }
  return h('details', { class: 'form-card danger no-print', dataset: { testid: 'res-del' } },
    h('summary', null, t('resident.delete')),
    h('form', { class: 'stack', novalidate: true, onsubmit },
      h('div', { class: 'field' },
        h('label', { for: 'res-del-reason' }, t('field.reason')), reason,
        h('p', { id: 'res-del-hint', class: 'hint' }, t('resident.delete_hint'))),
      error,
      h('button', { type: 'submit', class: 'danger', dataset: { testid: 'res-del-submit' } }, t('resident.delete'))));
}
