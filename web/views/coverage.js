/*
 * Door-to-door visits (上门走访): how far the committee has reached.
 *
 *   #/visits                                 pick a community (skipped when there is one)
 *   #/communities/{id}/coverage              counts per grid and building, and the unreached list
 *   #/communities/{id}/coverage/{building}   the floors × rooms grid by last outcome; tap to record
 *
 * Colour is never the only cue: each cell also carries a one-character mark
 * of its last outcome (开, 无, 拒 ...), explained by the legend, and the
 * cell's accessible name says the room and the outcome in words.  A cell is
 * a real button, so recording a visit works with touch, mouse and keyboard;
 * the form opens below the grid and takes focus, and after saving the page
 * is drawn again from the server.
 */

import { h, uid } from '../dom.js';
import { t, formatInt } from '../i18n.js';
import { get, post, errorText } from '../api.js';

export const OUTCOMES = ['opened', 'nobody_home', 'refused', 'vacant', 'moved_out', 'new_arrival'];

function floorLabel(floor) {
  return floor < 0 ? `B${-floor}` : String(floor);
}

const byRoom = (a, b) => String(a.room).localeCompare(String(b.room), 'en', { numeric: true });

function outcomeName(o) {
  return o ? t(`visit.outcome.${o}`) : t('visit.none');
}

function mark(o) {
  return o ? t(`visit.short.${o}`) : '·';
}

function percent(part, whole) {
  return whole > 0 ? `${Math.floor((part * 100) / whole)}%` : '—';
}

function when(sec) {
  return sec == null ? '' : new Date(sec * 1000).toLocaleString(document.documentElement.lang || 'zh-CN');
}

function legend() {
  return h('ul', { class: 'visit-legend', dataset: { testid: 'visit-legend' }, 'aria-label': t('visit.legend') },
    [...OUTCOMES, null].map((o) => h('li', null,
      h('span', { class: `visit-mark oc-${o || 'none'}`, 'aria-hidden': 'true' }, mark(o)),
      ` ${outcomeName(o)}`)));
}

/* ---- #/visits ---------------------------------------------------------------- */

export async function visitsIndexView(ctx) {
  const data = await get('/api/communities');
  const list = data.communities || [];
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/coverage`);
    return coverageView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'visits-index' } },
    h('h1', null, t('visit.title')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('communities.empty'))
      : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${c.id}/coverage`, dataset: { testid: 'coverage-community-link' } }, c.name)),
        h('p', { class: 'muted' }, t('communities.street', { name: c.street_name }))))));
}

/* ---- #/communities/{id}/coverage --------------------------------------------- */

function countsRow(label, c, link) {
  return h('tr', null,
    h('th', { scope: 'row' }, link ? h('a', { href: link }, label) : label),
    h('td', null, formatInt(c.dwellings)),
    h('td', null, formatInt(c.reached), h('span', { class: 'muted' }, ` (${percent(c.reached, c.dwellings)})`)),
    h('td', null, formatInt(c.unvisited)),
    OUTCOMES.map((o) => h('td', null, formatInt((c.outcomes || {})[o] || 0))));
}

function countsTable(caption, rows, testid) {
  return h('div', { class: 'scroll-x', role: 'region', tabindex: 0, 'aria-label': caption },
    h('table', { class: 'coverage-table', dataset: { testid } },
      h('caption', null, caption),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, t('visit.col.name')),
        h('th', { scope: 'col' }, t('count.dwellings')),
        h('th', { scope: 'col' }, t('visit.reached')),
        h('th', { scope: 'col' }, t('visit.unvisited')),
        OUTCOMES.map((o) => h('th', { scope: 'col', title: outcomeName(o) },
          h('span', { class: `visit-mark oc-${o}`, 'aria-hidden': 'true' }, mark(o)),
          h('span', { class: 'visually-hidden' }, outcomeName(o)))))),
      h('tbody', null, rows)));
}

export async function coverageView(ctx) {
  const [cid] = ctx.params;
  const cov = await get(`/api/communities/${cid}/coverage`);
  const tot = cov.totals || { dwellings: 0, reached: 0, unvisited: 0, outcomes: {} };

  const section = h('section', { class: 'coverage', dataset: { testid: 'coverage-page' } },
    h('p', { class: 'crumbs no-print' }, h('a', { href: '#/visits' }, `← ${t('visit.title')}`)),
    h('p', { class: 'muted' }, cov.community ? cov.community.name : ''),
    h('h1', null, t('visit.coverage')),
    h('p', { dataset: { testid: 'coverage-summary' } }, t('visit.summary', {
      dwellings: formatInt(tot.dwellings), reached: formatInt(tot.reached),
      percent: percent(tot.reached, tot.dwellings), unvisited: formatInt(tot.unvisited),
    })),
    h('p', { class: 'no-print' },
      h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('building.print'))),
    legend());

  const buildings = cov.buildings || [];
  section.append(buildings.length === 0
    ? h('p', { class: 'muted' }, t('community.no_buildings'))
    : countsTable(t('visit.by_building'), buildings.map((b) =>
      countsRow(`${b.compound} ${b.name}`, b, `#/communities/${cid}/coverage/${b.id}`)), 'coverage-buildings'));
  const grids = (cov.grids || []).filter((g) => g.dwellings > 0 || g.id != null);
  if (grids.length > 0) {
    section.append(countsTable(t('visit.by_grid'), grids.map((g) =>
      countsRow(g.id == null ? t('visit.no_grid') : g.name, g)), 'coverage-grids'));
  }
  section.append(await unreachedList(cid));
  return section;
}

/* The dwellings never reached, 50 at a time. */
async function unreachedList(cid) {
  const list = h('ol', { class: 'unreached', dataset: { testid: 'unreached-list' } });
  const more = h('button', { type: 'button', class: 'secondary no-print', dataset: { testid: 'unreached-more' } }, t('visit.more'));
  const box = h('section', { 'aria-labelledby': 'unreached-h' },
    h('h2', { id: 'unreached-h' }, t('visit.unreached')), list, more);
  let after = 0;
  async function load() {
    more.disabled = true;
    const page = await get(`/api/communities/${cid}/coverage/unreached?limit=50&after=${after}`);
    for (const d of page.dwellings || []) {
      list.append(h('li', null,
        h('a', { href: `#/communities/${cid}/coverage/${d.building_id}` }, `${d.compound} ${d.building} ${d.unit} ${d.room}`),
        h('span', { class: 'muted' }, ` · ${outcomeName(d.last_outcome)}${d.last_at ? ` · ${when(d.last_at)}` : ''}`)));
    }
    if (list.children.length === 0) list.replaceWith(h('p', { class: 'muted' }, t('visit.all_reached')));
    after = page.next;
    more.hidden = page.next == null;
    more.disabled = false;
  }
  more.addEventListener('click', () => load().catch((err) => { more.disabled = false; throw err; }));
  await load();
  return box;
}

/* ---- #/communities/{id}/coverage/{building} ---------------------------------- */

export async function buildingCoverageView(ctx) {
  const [cid, bid] = ctx.params;
  const b = await get(`/api/communities/${cid}/buildings/${bid}/coverage`);
  const units = b.units || [];
  const c = b.coverage || { dwellings: 0, reached: 0, unvisited: 0 };
  const panel = h('div', { class: 'visit-panel no-print' });

  const section = h('section', { class: 'building coverage', dataset: { testid: 'building-coverage-page' } },
    h('p', { class: 'crumbs no-print' },
      h('a', { href: `#/communities/${cid}/coverage`, dataset: { testid: 'back-to-coverage' } }, `← ${t('visit.coverage')}`)),
    h('p', { class: 'muted' }, b.compound_name),
    h('h1', null, b.name),
    h('p', { dataset: { testid: 'building-coverage-summary' } }, t('visit.summary', {
      dwellings: formatInt(c.dwellings), reached: formatInt(c.reached),
      percent: percent(c.reached, c.dwellings), unvisited: formatInt(c.unvisited),
    })),
    h('p', { class: 'muted no-print' }, t('visit.tap')),
    h('p', { class: 'no-print' },
      h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('building.print'))),
    legend());

  if (units.length === 0) {
    section.append(h('p', { class: 'muted' }, t('building.empty')));
    return section;
  }
  const open = (d, unit) => openPanel(ctx, panel, cid, d, unit);
  section.append(h('div', { class: 'units' }, units.map((u) => unitGrid(u, open))), panel);
  return section;
}

function unitGrid(unit, open) {
  const byFloor = new Map();
  for (const d of unit.dwellings || []) {
    if (!byFloor.has(d.floor)) byFloor.set(d.floor, []);
    byFloor.get(d.floor).push(d);
  }
  const floors = [...byFloor.keys()].sort((a, b) => b - a);
  for (const list of byFloor.values()) list.sort(byRoom);
  const cols = Math.max(0, ...[...byFloor.values()].map((l) => l.length));
  const headId = uid('cov-unit');

  const table = h('table', { class: 'rooms visit-grid', dataset: { testid: 'coverage-grid' } },
    h('caption', { class: 'visually-hidden' },
      t('building.unit_caption', { unit: unit.name, floors: formatInt(floors.length), rooms: formatInt(cols) })),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('building.floor')),
      Array.from({ length: cols }, (_, i) => h('th', { scope: 'col' }, t('building.room_col', { n: i + 1 }))))),
    h('tbody', null, floors.map((f) => {
      const list = byFloor.get(f);
      return h('tr', null,
        h('th', { scope: 'row' }, floorLabel(f)),
        Array.from({ length: cols }, (_, i) => {
          const d = list[i];
          if (!d) return h('td', { class: 'vacant' });
          const o = d.last_outcome || 'none';
          return h('td', { class: `oc-${o}` },
            h('button', {
              type: 'button',
              class: 'visit-cell',
              dataset: { testid: 'visit-cell', room: d.room, outcome: o },
              'aria-label': t('visit.cell', { room: d.room, outcome: outcomeName(d.last_outcome) }),
              onclick: () => open(d, unit),
            },
            h('span', { class: 'room-no' }, d.room),
            h('span', { class: 'visit-mark', 'aria-hidden': 'true' }, mark(d.last_outcome))));
        }));
    })));

  return h('section', { class: 'unit', 'aria-labelledby': headId },
    h('h2', { id: headId }, unit.name),
    h('div', { class: 'scroll-x', role: 'region', tabindex: 0, 'aria-label': t('building.scroll', { unit: unit.name }) }, table));
}

/* The form to record a visit of dwelling d, with its recent history. */
async function openPanel(ctx, panel, cid, d, unit) {
  const base = `/api/communities/${cid}/dwellings/${d.id}/visits`;
  const headId = uid('visit-h');
  const notesId = uid('notes');
  const followId = uid('follow');
  const errBox = h('p', { class: 'error', role: 'alert' });
  let chosen = '';

  const buttons = OUTCOMES.map((o) => h('button', {
    type: 'button',
    class: `secondary visit-outcome oc-${o}`,
    'aria-pressed': 'false',
    dataset: { testid: `outcome-${o}`, outcome: o },
    onclick: (ev) => {
      chosen = o;
      for (const b of buttons) b.setAttribute('aria-pressed', String(b === ev.currentTarget));
      follow.disabled = o === 'opened';
      if (o === 'opened') follow.value = '';
    },
  }, h('span', { class: 'visit-mark', 'aria-hidden': 'true' }, mark(o)), ` ${outcomeName(o)}`));
  const notes = h('textarea', { id: notesId, maxlength: 500, dataset: { testid: 'visit-notes' } });
  const follow = h('input', { id: followId, type: 'date', dataset: { testid: 'visit-follow-up' } });
  const history = h('ol', { class: 'visit-history', dataset: { testid: 'visit-history' } });

  const form = h('form', {
    class: 'stack form-card',
    'aria-labelledby': headId,
    onsubmit: async (ev) => {
      ev.preventDefault();
      errBox.textContent = '';
      if (!chosen) {
        errBox.textContent = t('visit.choose');
        return;
      }
      const body = { outcome: chosen };
      if (notes.value.trim()) body.notes = notes.value.trim();
      if (follow.value && chosen !== 'opened') body.follow_up = follow.value;
      const submit = form.querySelector('button[type=submit]');
      submit.disabled = true;
      try {
        await post(base, body);
        ctx.refresh();
        ctx.showNotice(t('visit.saved', { room: d.room, outcome: outcomeName(chosen) }));
      } catch (err) {
        errBox.textContent = errorText(err);
        submit.disabled = false;
      }
    },
  },
  h('h2', { id: headId, tabindex: -1 }, t('visit.record', { unit: unit.name, room: d.room })),
  h('div', { class: 'buttons visit-outcomes', role: 'group', 'aria-label': t('field.outcome') }, buttons),
  h('div', { class: 'field' }, h('label', { for: notesId }, t('field.notes')), notes),
  h('div', { class: 'field' }, h('label', { for: followId }, t('field.follow_up')),
    h('p', { class: 'hint muted' }, t('visit.follow_hint')), follow),
  errBox,
  h('div', { class: 'buttons' },
    h('button', { type: 'submit', class: 'primary', dataset: { testid: 'visit-save' } }, t('visit.save')),
    h('button', { type: 'button', class: 'secondary', onclick: () => panel.replaceChildren() }, t('visit.cancel'))),
  h('h3', null, t('visit.history')), history);

  panel.replaceChildren(form);
  form.querySelector('h2').focus();
  try {
    const hist = await get(base);
    const vs = hist.visits || [];
    history.replaceChildren(...(vs.length === 0
      ? [h('li', { class: 'muted' }, t('visit.no_history'))]
      : vs.slice(0, 10).map((v) => h('li', null,
        h('span', { class: `visit-mark oc-${v.outcome}`, 'aria-hidden': 'true' }, mark(v.outcome)),
        ` ${outcomeName(v.outcome)} · ${when(v.at)} · ${v.user_name}`,
        v.follow_up && ` · ${t('field.follow_up')} ${v.follow_up}`,
        v.notes && h('span', { class: 'muted' }, ` — ${v.notes}`)))));
  } catch (err) {
    ctx.showError(err);
  }
}
