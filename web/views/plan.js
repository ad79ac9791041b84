/*
 * plan: one emergency plan (应急预案) — the printable A4 plan (the
 * published version, or the draft marked as such), the editor of the draft
 * with publishing, and who fills each role with a backup.
 *
 *   #/communities/:id/prep/plans/:plan
 *
 * The editor keeps a copy of the draft and sends it whole (PUT); tasks are
 * one per line. The server checks everything again and names the field
 * ("roles[2].tasks.during[0]") when it refuses.
 */

import { h, uid } from '../dom.js';
import { t, lang } from '../i18n.js';
import { get, post, request, errorText } from '../api.js';
import { hazardName, crumbTo, personSelect, personText, todayChina } from './prep.js';

const PHASES = ['before', 'during', 'after'];
const roleName = (r) => (lang() === 'en' && r.name_en ? r.name_en : r.name_zh);

function printable(body, plan, draft) {
  const who = new Map((plan.assignments || []).map((a) => [a.role, a]));
  return h('article', { class: 'plan-doc', dataset: { testid: 'plan-doc' } },
    h('h2', { dataset: { testid: 'plan-title' } }, body.title, draft ? ` （${t('prep.draft')}）` : ''),
    h('p', { class: 'muted' }, `${plan.community.name} · ${hazardName(plan.hazard)} · `,
      draft ? t('prep.unpublished') : t('prep.version_n', { n: plan.version })),
    body.summary && h('p', null, body.summary),
    h('h3', null, t('prep.roles')),
    h('table', { class: 'prep-table plan-roles' },
      h('thead', null, h('tr', null, [t('prep.role'), t('prep.person'), t('prep.backup'), ...PHASES.map((p) => t(`prep.phase.${p}`))]
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, body.roles.map((r) => {
        const a = who.get(r.code);
        return h('tr', { dataset: { testid: 'plan-role', role: r.code } },
          h('th', { scope: 'row' }, roleName(r)),
          h('td', null, a && a.user_id ? a.name : t('prep.nobody')),
          h('td', null, a && a.backup_user_id ? a.backup_name : t('prep.nobody')),
          PHASES.map((p) => h('td', null, h('ul', { class: 'plain' }, (r.tasks[p] || []).map((x) => h('li', null, x))))));
      }))),
    h('h3', null, t('prep.points')),
    h('ul', null, body.gathering_points.map((g) => h('li', null, g.name,
      g.location && ` · ${g.location}`, g.capacity ? ` · ${t('prep.capacity_n', { n: g.capacity })}` : ''))),
    h('h3', null, t('prep.phones')),
    h('ul', { class: 'plan-phones' }, body.phones.map((p) => h('li', null, `${p.name}：`, p.number ? h('a', { href: `tel:${p.number}` }, p.number) : '＿＿＿＿'))),
    h('p', { class: 'print-only signature' }, t('prep.signature', { date: todayChina() })));
}

function lines(text) {
  return String(text).split('\n').map((s) => s.trim()).filter(Boolean);
}

function textField(label, value, oninput, attrs = {}) {
  const id = uid('plan-f');
  const input = attrs.multiline
    ? h('textarea', { id, rows: attrs.rows || 3, dataset: { testid: attrs.testid }, oninput: (ev) => oninput(ev.target.value) }, value)
    : h('input', { id, type: attrs.type || 'text', value: String(value ?? ''), inputmode: attrs.inputmode, dataset: { testid: attrs.testid }, oninput: (ev) => oninput(ev.target.value) });
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

/* #/communities/:id/prep/plans/:plan */
export async function planView(ctx) {
  const [id, pid] = ctx.params;
  const url = `/api/communities/${id}/prep/plans/${pid}`;
  const error = h('p', { class: 'error no-print', role: 'alert', dataset: { testid: 'plan-error' } });
  const status = h('p', { class: 'ok no-print', role: 'status', dataset: { testid: 'plan-status' } });
  const box = h('div');
  let users = [];
  let plan = await get(url);
  if (plan.can_edit) users = (await get(`/api/communities/${id}/prep/candidates`)).users || [];

  async function act(fn, done) {
    error.textContent = '';
    status.textContent = '';
    try {
      const next = await fn();
      plan = next && next.hazard ? next : await get(url);
      draw();
      status.textContent = done;
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  function editor() {
    const d = structuredClone(plan.draft);
    const rolesBox = h('div');
    const pointsBox = h('div');
    const phonesBox = h('div');
    const drawRoles = () => rolesBox.replaceChildren(...d.roles.map((r, i) => h('fieldset', { class: 'plan-role-edit', dataset: { testid: 'plan-role-edit' } },
      h('legend', null, roleName(r) || r.code),
      textField(t('prep.role_zh'), r.name_zh, (v) => { r.name_zh = v; }),
      textField(t('prep.role_en'), r.name_en, (v) => { r.name_en = v; }),
      PHASES.map((p) => textField(`${t(`prep.phase.${p}`)} · ${t('prep.one_per_line')}`, (r.tasks[p] || []).join('\n'),
        (v) => { r.tasks[p] = lines(v); }, { multiline: true, testid: `plan-tasks-${p}` })),
      h('button', { type: 'button', class: 'link-button', onclick: () => { d.roles.splice(i, 1); drawRoles(); } }, t('prep.remove')))));
    const drawPoints = () => pointsBox.replaceChildren(...d.gathering_points.map((g, i) => h('fieldset', { class: 'plan-row-edit' },
      textField(t('prep.point_name'), g.name, (v) => { g.name = v; }, { testid: 'plan-point-name' }),
      textField(t('prep.point_location'), g.location, (v) => { g.location = v; }, { testid: 'plan-point-location' }),
      textField(t('prep.capacity'), g.capacity, (v) => { g.capacity = Number(v) || 0; }, { inputmode: 'numeric', testid: 'plan-point-capacity' }),
      h('button', { type: 'button', class: 'link-button', onclick: () => { d.gathering_points.splice(i, 1); drawPoints(); } }, t('prep.remove')))));
    const drawPhones = () => phonesBox.replaceChildren(...d.phones.map((p, i) => h('fieldset', { class: 'plan-row-edit' },
      textField(t('prep.phone_name'), p.name, (v) => { p.name = v; }),
      textField(t('prep.phone_number'), p.number, (v) => { p.number = v.trim(); }, { inputmode: 'tel' }),
      h('button', { type: 'button', class: 'link-button', onclick: () => { d.phones.splice(i, 1); drawPhones(); } }, t('prep.remove')))));
    drawRoles();
    drawPoints();
    drawPhones();
    let n = d.roles.length;
    return h('form', { class: 'form-card plan-editor', dataset: { testid: 'plan-editor' }, onsubmit: (ev) => {
      ev.preventDefault();
      act(() => request('PUT', url, d), t('prep.draft_saved'));
    } },
    h('h2', null, t('prep.edit_draft')),
    textField(t('prep.plan_title'), d.title, (v) => { d.title = v; }, { testid: 'plan-title-input' }),
    textField(t('prep.summary'), d.summary, (v) => { d.summary = v; }, { multiline: true }),
    h('h3', null, t('prep.roles')), rolesBox,
    h('button', { type: 'button', class: 'secondary', onclick: () => {
      n += 1;
      d.roles.push({ code: `role_${n}`, name_zh: t('prep.new_role'), name_en: '', tasks: { before: [], during: [], after: [] } });
      drawRoles();
    } }, t('prep.add_role')),
    h('h3', null, t('prep.points')), pointsBox,
    h('button', { type: 'button', class: 'secondary', onclick: () => { d.gathering_points.push({ name: '', location: '', capacity: 0 }); drawPoints(); } }, t('prep.add_point')),
    h('h3', null, t('prep.phones')), phonesBox,
    h('button', { type: 'button', class: 'secondary', onclick: () => { d.phones.push({ name: '', number: '' }); drawPhones(); } }, t('prep.add_phone')),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', dataset: { testid: 'plan-save' } }, t('prep.save_draft'))));
  }

  function assignments() {
    const who = new Map((plan.assignments || []).map((a) => [a.role, a]));
    return h('div', { class: 'form-card', dataset: { testid: 'plan-assign' } },
      h('h2', null, t('prep.assign_roles')),
      plan.draft.roles.map((r) => {
        const a = who.get(r.code) || {};
        const p = personSelect(users, a.user_id, `assign-${r.code}-person`, t('prep.person'));
        const b = personSelect(users, a.backup_user_id, `assign-${r.code}-backup`, t('prep.backup'));
        return h('form', { class: 'inline-form', onsubmit: (ev) => {
          ev.preventDefault();
          act(() => request('PUT', `${url}/roles`, { role: r.code, user_id: Number(p.sel.value), backup_user_id: Number(b.sel.value) }), t('prep.saved'));
        } }, h('strong', null, roleName(r)), p.field, b.field,
        h('button', { type: 'submit', class: 'secondary', dataset: { testid: `assign-${r.code}-save` } }, t('prep.save')));
      }));
  }

  function draw() {
    const show = plan.published || plan.draft;
    box.replaceChildren(h('div', null,
      h('p', { class: 'muted', dataset: { testid: 'plan-version' } },
        plan.version ? t('prep.version_n', { n: plan.version }) : t('prep.unpublished'),
        plan.draft_changed && plan.version ? ` · ${t('prep.draft_changed')}` : ''),
      plan.gaps.length > 0 && h('p', { class: 'prep-alert no-print', dataset: { testid: 'plan-gaps' } },
        t('prep.role_gaps', { n: plan.gaps.length })),
      h('div', { class: 'buttons no-print' },
        h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('prep.print')),
        plan.can_edit && h('button', { type: 'button', class: 'primary', dataset: { testid: 'plan-publish' },
          onclick: () => act(() => post(`${url}/publish`), t('prep.published')) }, t('prep.publish'))),
      show ? printable(show, plan, !plan.published) : h('p', { class: 'muted' }, t('prep.unpublished')),
      plan.versions.length > 1 && h('p', { class: 'muted no-print' }, t('prep.versions'), ' ',
        plan.versions.map((v) => `v${v.version} ${new Date(v.published_at * 1000).toLocaleDateString(lang())} ${v.by}`).join(' · ')),
      plan.can_edit && h('div', { class: 'no-print' }, assignments(), editor())));
  }

  draw();
  return h('section', { class: 'prep-page plan-page', dataset: { testid: 'plan-page' } },
    crumbTo(id),
    h('h1', null, t('prep.plan_of', { hazard: hazardName(plan.hazard) })),
    error, status, box);
}
