/*
 * prep: the emergency preparedness hub (应急准备) of a community, the
 * contact tree (联络树) and a building's printable call list.
 *
 *   #/prep                                      the community to open
 *   #/communities/:id/prep                      the hub: plans, gaps of the
 *                                               tree and the care list,
 *                                               supply alerts, next drill
 *   #/communities/:id/prep/contacts             the tree, gaps first
 *   #/communities/:id/prep/contacts/buildings/:b  the call list (A4)
 *
 * What a person may do is the server's decision (can_edit in replies);
 * these pages only leave out the controls that would be refused.
 */

import { h, uid } from '../dom.js';
import { t, lang, formatInt } from '../i18n.js';
import { get, post, request, errorText } from '../api.js';
import { memberCommunities } from './rounds.js';

export const HAZARD_CODES = ['flood', 'fire', 'epidemic', 'earthquake', 'heat_wave', 'gas_leak', 'power_cut'];

export const hazardName = (code) => t(`prep.hazard.${code}`);

/* Today in China as YYYY-MM-DD (the server's dates are days in China). */
export function todayChina() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

export function crumbTo(id, text) {
  return h('p', { class: 'crumbs no-print' },
    h('a', { href: `#/communities/${id}/prep`, dataset: { testid: 'prep-back' } }, `← ${text || t('prep.title')}`));
}

/* A select of people ("—" for nobody), value: user id as text. */
export function personSelect(users, selected, testid, label) {
  const id = uid('prep-person');
  const sel = h('select', { id, dataset: { testid } },
    h('option', { value: '0' }, t('prep.nobody')),
    users.map((u) => h('option', { value: String(u.id), selected: Number(selected) === Number(u.id) },
      u.display_name || u.username)));
  return { sel, field: h('div', { class: 'field' }, h('label', { for: id }, label), sel) };
}

export const personText = (p) => (p ? p.name : t('prep.nobody'));

/* #/prep: straight to the community when the user belongs to one. */
export async function prepIndexView(ctx) {
  const list = await memberCommunities(ctx.user);
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/prep`);
    return prepView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'prep-index' } },
    h('h1', null, t('prep.title')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('communities.empty'))
      : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${c.id}/prep` }, c.name || t('rounds.community_n', { id: c.id })))))));
}

function gapText(g) {
  return t(g.missing === 'person' ? 'prep.gap_person' : 'prep.gap_backup',
    { kind: t(`prep.kind.${g.kind}`), name: g.name });
}

/* #/communities/:id/prep */
export async function prepView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}/prep`;
  const soft = (p) => get(p).catch((err) => ({ error: err }));
  const [plans, tree, care, supplies, drills] = await Promise.all([
    get(`${base}/plans`), soft(`${base}/contacts`), soft(`${base}/care?limit=8`), soft(`${base}/supplies`), soft(`${base}/drills`)]);
  const canEdit = plans.can_edit;
  const byHazard = new Map((plans.plans || []).map((p) => [p.hazard, p]));
  const error = h('p', { class: 'error no-print', role: 'alert' });

  async function create(hazard) {
    error.textContent = '';
    try {
      const r = await post(`${base}/plans`, { hazard, lang: lang() === 'en' ? 'en' : 'zh' });
      ctx.navigate(`/communities/${id}/prep/plans/${r.id}`);
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  const planCards = h('ul', { class: 'cards prep-plans', dataset: { testid: 'prep-plans' } }, HAZARD_CODES.map((hz) => {
    const p = byHazard.get(hz);
    return h('li', { class: 'card', dataset: { testid: `prep-plan-${hz}` } },
      h('h3', null, p ? h('a', { href: `#/communities/${id}/prep/plans/${p.id}`, dataset: { testid: 'prep-plan-link' } }, hazardName(hz)) : hazardName(hz)),
      p
        ? [h('p', null, p.title),
          h('p', { class: 'muted' }, p.version ? t('prep.version_n', { n: p.version }) : t('prep.unpublished'),
            p.draft_changed && p.version ? ` · ${t('prep.draft_changed')}` : ''),
          p.gaps.length > 0 && h('p', { class: 'prep-alert' }, t('prep.role_gaps', { n: p.gaps.length }))]
        : [h('p', { class: 'muted' }, t('prep.no_plan')),
          canEdit && h('button', { type: 'button', class: 'secondary', dataset: { testid: `prep-create-${hz}` }, onclick: () => create(hz) }, t('prep.from_template'))]);
  }));

  const treeBox = tree.error
    ? h('p', { class: 'muted' }, errorText(tree.error))
    : [h('p', { dataset: { testid: 'prep-tree-gaps' } }, t('prep.tree_summary', { gaps: formatInt(tree.gaps.length), buildings: formatInt(tree.counts.buildings), households: formatInt(tree.counts.households) })),
      h('ul', { class: 'prep-gaps' }, tree.gaps.slice(0, 8).map((g) => h('li', { class: g.missing === 'person' ? 'prep-alert' : '' }, gapText(g)))),
      h('p', null, h('a', { href: `#/communities/${id}/prep/contacts`, dataset: { testid: 'prep-tree-link' } }, t('prep.tree_open')))];

  const careRows = care.error ? [] : care.residents.filter((r) => !r.primary || r.backups.length === 0); /* the first 8, gaps first */
  const careBox = care.error
    ? h('p', { class: 'muted' }, errorText(care.error))
    : [h('p', { dataset: { testid: 'prep-care-gaps' } }, t('prep.care_summary', { total: formatInt(care.total), no_primary: formatInt(care.gaps.no_primary), no_backup: formatInt(care.gaps.no_backup) })),
      h('ul', { class: 'prep-gaps' }, careRows.slice(0, 8).map((r) => h('li', { class: r.primary ? '' : 'prep-alert' },
        h('a', { href: `#/communities/${id}/care/residents/${r.id}` }, r.name),
        ` · ${r.tags.map((tg) => (lang() === 'en' ? tg.name_en : tg.name_zh)).join('、')} · `,
        r.primary ? t('prep.no_backup') : t('prep.no_caretaker')))),
      h('p', null, h('a', { href: `#/communities/${id}/prep/care` }, t('prep.care_open')))];

  const alerts = supplies.error ? null : supplies.alerts;
  const alertItems = supplies.error ? [] : supplies.supplies.filter((s) => s.alerts.expired || s.alerts.expiring || s.alerts.low);
  const supplyBox = supplies.error
    ? h('p', { class: 'muted' }, errorText(supplies.error))
    : [h('p', null, h('span', { class: `badge ${alerts.total ? 'badge-alert' : 'badge-closed'}`, dataset: { testid: 'prep-supply-badge' } }, formatInt(alerts.total)),
      ` ${t('prep.supply_summary', { expired: alerts.expired, expiring: alerts.expiring, low: alerts.low })}`),
      h('ul', { class: 'prep-gaps' }, alertItems.slice(0, 8).map((s) => h('li', null, `${s.name} · `, supplyAlertText(s)))),
      h('p', null, h('a', { href: `#/communities/${id}/prep/supplies`, dataset: { testid: 'prep-supplies-link' } }, t('prep.supplies_open')))];

  const today = todayChina();
  const list = drills.error ? [] : drills.drills;
  const next = list.filter((d) => d.date >= today).sort((a, b) => (a.date < b.date ? -1 : 1))[0];
  const last = list.filter((d) => d.date < today)[0];
  const drillBox = drills.error
    ? h('p', { class: 'muted' }, errorText(drills.error))
    : [h('p', { dataset: { testid: 'prep-next-drill' } }, next
      ? t('prep.next_drill', { date: next.date, hazard: hazardName(next.hazard) })
      : t('prep.no_next_drill')),
    last && h('p', { class: 'muted' }, t('prep.last_drill', { date: last.date, hazard: hazardName(last.hazard) }),
      last.reviewed ? '' : ` · ${t('prep.not_reviewed')}`),
    h('p', null, h('a', { href: `#/communities/${id}/prep/drills`, dataset: { testid: 'prep-drills-link' } }, t('prep.drills_open')))];

  const card = (title, ...body) => h('div', { class: 'card prep-card' }, h('h2', null, title), ...body);
  return h('section', { class: 'prep-page', dataset: { testid: 'prep-page' } },
    h('h1', null, t('prep.title')),
    plans.community && h('p', { class: 'muted' }, plans.community.name),
    h('p', { class: 'hint' }, t('prep.intro')),
    error,
    h('h2', null, t('prep.plans')),
    planCards,
    h('div', { class: 'prep-grid' },
      card(t('prep.tree'), treeBox),
      card(t('prep.care'), careBox),
      card(t('prep.supplies'), supplyBox),
      card(t('prep.drills'), drillBox),
      card(t('learn.title'), h('p', null, t('learn.intro')),
        h('p', null, h('a', { href: '#/learn', dataset: { testid: 'prep-learn-link' } }, t('learn.open'))))));
}

export function supplyAlertText(s) {
  const a = s.alerts;
  const parts = [];
  if (a.expired) parts.push(t('prep.alert_expired', { date: s.expiry }));
  else if (a.expiring) parts.push(t('prep.alert_expiring', { n: a.days_left }));
  if (a.low) parts.push(t('prep.alert_low', { n: s.quantity, min: s.minimum, unit: s.unit }));
  return parts.join(' · ');
}

/* #/communities/:id/prep/contacts */
export async function contactsView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}/prep`;
  const box = h('div');
  const error = h('p', { class: 'error no-print', role: 'alert', dataset: { testid: 'tree-error' } });
  let users = null;

  function nodeLine(n, data) {
    const line = h('div', { class: 'tree-node', dataset: { testid: `tree-${n.kind}`, id: String(n.id) } },
      h('span', { class: 'node-kind' }, t(`prep.kind.${n.kind}`)), ' ',
      n.kind === 'building'
        ? h('a', { href: `#/communities/${id}/prep/contacts/buildings/${n.id}` }, `${n.compound || ''} ${n.name}`)
        : h('strong', null, n.name),
      n.households !== undefined && h('span', { class: 'muted' }, ` · ${t('prep.households_n', { n: formatInt(n.households) })}`),
      h('span', { class: n.person ? '' : 'prep-alert' }, ` · ${t('prep.person')}：${personText(n.person)}`),
      h('span', { class: n.backup ? '' : 'prep-alert' }, ` · ${t('prep.backup')}：${personText(n.backup)}`));
    if (data.can_edit && users) {
      const p = personSelect(users, n.person && n.person.user_id, 'tree-person', t('prep.person'));
      const b = personSelect(users, n.backup && n.backup.user_id, 'tree-backup', t('prep.backup'));
      const form = h('form', { class: 'inline-form no-print', onsubmit: async (ev) => {
        ev.preventDefault();
        error.textContent = '';
        try {
          const next = await request('PUT', `${base}/contacts`, { kind: n.kind, node_id: n.id, user_id: Number(p.sel.value), backup_user_id: Number(b.sel.value) });
          draw(next);
          ctx.showNotice(t('prep.saved'));
        } catch (err) {
          error.textContent = errorText(err);
        }
      } }, p.field, b.field, h('button', { type: 'submit', class: 'secondary', dataset: { testid: 'tree-save' } }, t('prep.save')));
      return h('li', null, line, h('details', { class: 'no-print' }, h('summary', null, t('prep.assign')), form));
    }
    return h('li', null, line);
  }

  function draw(data) {
    box.replaceChildren(h('div', null,
      h('div', { class: 'card prep-card', dataset: { testid: 'tree-gaps' } },
        h('h2', null, t('prep.gaps_title', { n: data.gaps.length })),
        data.gaps.length === 0 ? h('p', { class: 'ok' }, t('prep.no_gaps'))
          : h('ul', { class: 'prep-gaps' }, data.gaps.map((g) => h('li', { class: g.missing === 'person' ? 'prep-alert' : '' }, gapText(g))))),
      h('ul', { class: 'tree prep-tree' },
        nodeLine(data.community, data),
        h('li', null, h('ul', null,
          data.grids.map((g) => [nodeLine(g, data), h('li', null, h('ul', null, g.buildings.map((b) => nodeLine(b, data))))]),
          data.no_grid.length > 0 && [h('li', null, h('strong', null, t('prep.no_grid'))),
            h('li', null, h('ul', null, data.no_grid.map((b) => nodeLine(b, data))))])))));
  }

  const data = await get(`${base}/contacts`);
  if (data.can_edit) users = (await get(`${base}/candidates`)).users || [];
  draw(data);
  return h('section', { class: 'prep-page', dataset: { testid: 'tree-page' } },
    crumbTo(id),
    h('h1', null, t('prep.tree')),
    h('p', { class: 'hint' }, t('prep.tree_intro')),
    error, box);
}

/* #/communities/:id/prep/contacts/buildings/:b: printable call list. */
export async function callListView(ctx) {
  const [id, b] = ctx.params;
  const data = await get(`/api/communities/${id}/prep/contacts/buildings/${b}`);
  const bn = data.building;
  return h('section', { class: 'prep-page call-list', dataset: { testid: 'call-list' } },
    h('p', { class: 'crumbs no-print' }, h('a', { href: `#/communities/${id}/prep/contacts` }, `← ${t('prep.tree')}`)),
    h('h1', null, t('prep.call_list_title', { name: bn.name })),
    h('p', null, `${data.community.name} · ${t('prep.person')}：${personText(bn.person)} · ${t('prep.backup')}：${personText(bn.backup)}`),
    data.masked && h('p', { class: 'hint' }, t('prep.masked_note')),
    h('button', { type: 'button', class: 'secondary no-print', onclick: () => window.print() }, t('prep.print')),
    h('table', { class: 'prep-table' },
      h('thead', null, h('tr', null, ['#', t('prep.col_room'), t('prep.col_rep'), t('prep.col_phone'), t('prep.col_members'), t('prep.col_reached')]
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, data.households.map((x, i) => h('tr', null,
        h('td', null, String(i + 1)),
        h('td', null, x.label),
        h('td', null, x.representative ? x.representative.name : ''),
        h('td', null, x.representative && x.representative.phone ? x.representative.phone : ''),
        h('td', null, String(x.members)),
        h('td', { class: 'tick-cell' }, '☐'))))),
    h('p', { class: 'muted' }, t('prep.printed', { date: todayChina() })));
}

/* #/communities/:id/prep/care: the care list for emergencies, gaps first;
   staff assign a missing caretaker or backup right here, through the care
   module's own route (POST .../residents/:rid/care/caretakers). */
export async function prepCareView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}`;
  const error = h('p', { class: 'error no-print', role: 'alert', dataset: { testid: 'prep-care-error' } });
  const box = h('div');
  const caretaker = (c) => (c ? c.name : t('prep.nobody'));
  let users = null;
  let showAll = false; /* gaps only at first: the list is long */

  function assignCell(r) {
    const role = r.primary ? 'backup' : 'primary';
    const pick = personSelect(users.filter((u) => !(r.primary && r.primary.user_id === u.id) && !r.backups.some((b) => b.user_id === u.id)),
      0, 'prep-care-pick', t(role === 'primary' ? 'prep.set_primary' : 'prep.set_backup'));
    return h('form', { class: 'inline-form no-print', onsubmit: async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      if (pick.sel.value === '0') return;
      try {
        await post(`${base}/residents/${r.id}/care/caretakers`, { user_id: Number(pick.sel.value), role });
        await draw();
        ctx.showNotice(t('prep.saved'));
      } catch (err) {
        error.textContent = errorText(err);
      }
    } }, pick.field, h('button', { type: 'submit', class: 'secondary', dataset: { testid: 'prep-care-assign' } }, t('prep.save')));
  }

  async function draw() {
    const data = await get(`${base}/prep/care`);
    if (data.can_edit && !users) users = (await get(`${base}/care/caretakers`).catch(() => ({ users: [] }))).users || [];
    const shown = showAll ? data.residents : data.residents.filter((r) => !r.primary || r.backups.length === 0);
    box.replaceChildren(h('div', null,
      h('p', { dataset: { testid: 'prep-care-summary' } }, t('prep.care_summary', { total: formatInt(data.total), no_primary: formatInt(data.gaps.no_primary), no_backup: formatInt(data.gaps.no_backup) })),
      h('p', { class: 'no-print' }, h('button', { type: 'button', class: 'link-button', dataset: { testid: 'prep-care-toggle' },
        onclick: () => { showAll = !showAll; draw(); } }, t(showAll ? 'prep.show_gaps' : 'prep.show_all'))),
      h('table', { class: 'prep-table' },
        h('thead', null, h('tr', null, ['#', t('care.col_name'), t('care.col_age'), t('care.col_dwelling'), t('care.col_tags'), t('care.col_primary'), t('care.col_backup')]
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, shown.map((r, i) => h('tr', { class: !r.primary ? 'prep-row-gap' : '', dataset: { testid: 'prep-care-row' } },
          h('td', null, String(i + 1)),
          h('td', null, h('a', { href: `#/communities/${id}/care/residents/${r.id}` }, r.name)),
          h('td', null, r.age !== null ? String(r.age) : ''),
          h('td', null, r.dwelling ? [r.dwelling.building, r.dwelling.unit, r.dwelling.room].filter(Boolean).join(' ') : ''),
          h('td', null, r.tags.map((tg) => (lang() === 'en' ? tg.name_en : tg.name_zh)).join('、')),
          h('td', { class: r.primary ? '' : 'prep-alert' }, caretaker(r.primary), !r.primary && users && assignCell(r)),
          h('td', { class: r.backups.length ? '' : 'prep-alert' }, r.backups.map((c) => c.name).join('、') || t('prep.nobody'),
            r.primary && r.backups.length === 0 && users && assignCell(r))))))));
  }

  await draw();
  return h('section', { class: 'prep-page', dataset: { testid: 'prep-care-page' } },
    crumbTo(id),
    h('h1', null, t('prep.care')),
    h('p', { class: 'hint' }, t('prep.care_intro')),
    h('button', { type: 'button', class: 'secondary no-print', onclick: () => window.print() }, t('prep.print')),
    error, box);
}
