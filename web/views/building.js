/*
 * One building: GET /api/communities/{id}/buildings/{bid}, drawn as one
 * floors × rooms table per unit, top floor at the top the way the building
 * stands and the way committees draw it on paper.
 *
 * A real <table> with row and column headers, so a screen reader says
 * "floor 12, room 3" for each cell. Wide units scroll sideways inside a
 * focusable region (keyboard users can scroll it too) with the floor column
 * kept in view; on paper the table is printed whole.
 *
 * The community is fetched too, for its name: a printed sheet should say
 * whose building it is.
 */

import { h } from '../dom.js';
import { t, formatInt, formatArea } from '../i18n.js';
import { get, post } from '../api.js';
import { areaText, formCard, layoutFields, layoutBody } from './parts.js';

/* B1, B2 for basements; there is no floor 0 in how people count. */
function floorLabel(floor) {
  return floor < 0 ? `B${-floor}` : String(floor);
}

/* Room numbers sort as numbers where they are numbers ("902" before "1001"). */
const byRoom = (a, b) => String(a.room).localeCompare(String(b.room), 'en', { numeric: true });

export async function buildingView(ctx) {
  const [cid, bid] = ctx.params;
  const [community, b] = await Promise.all([
    get(`/api/communities/${cid}`),
    get(`/api/communities/${cid}/buildings/${bid}`),
  ]);

  const units = b.units || [];
  const allDwellings = units.flatMap((u) => u.dwellings || []);
  const totalArea = allDwellings.reduce((n, d) => n + (d.area || 0), 0);
  const floors = new Set(allDwellings.map((d) => d.floor)).size || b.floors || 0;

  const section = h('section', { class: 'building', dataset: { testid: 'building-page' } },
    h('p', { class: 'crumbs no-print' },
      h('a', { href: `#/communities/${cid}`, dataset: { testid: 'back-to-community' } },
        `← ${t('building.back', { name: community.name })}`)),
    h('p', { class: 'muted' }, `${community.street_name} · ${community.name} · ${b.compound_name}`),
    h('h1', null, b.name),
    units.length > 0 && h('p', { dataset: { testid: 'building-summary' } }, t('building.summary', {
      units: formatInt(units.length), floors: formatInt(floors),
      dwellings: formatInt(allDwellings.length), area: areaText(totalArea),
    })),
    units.length > 0 && h('p', { class: 'no-print' },
      h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('building.print')),
      ' ',
      h('a', { href: `#/communities/${cid}/buildings/${bid}/owners`, dataset: { testid: 'owners-link' } },
        t('building.owners_link'))));

  if (units.length === 0) {
    section.append(h('p', { class: 'muted', dataset: { testid: 'building-empty' } }, t('building.empty')));
    if (ctx.canChange(community)) {
      section.append(formCard({
        title: t('form.layout'),
        testid: 'layout',
        open: true,
        submitLabel: t('form.submit_layout'),
        fields: layoutFields(),
        action: async (v) => {
          await post(`/api/communities/${cid}/buildings/${bid}/layout`, layoutBody(v));
          ctx.refresh();
          return '';
        },
      }));
    }
    return section;
  }

  /* Units side by side where the screen is wide enough, as they stand. */
  section.append(h('div', { class: 'units' }, units.map((u) => unitTable(u, cid))));
  return section;
}

/* cid: each room links to its residents (residents.js). */
function unitTable(unit, cid) {
  const byFloor = new Map();
  for (const d of unit.dwellings || []) {
    if (!byFloor.has(d.floor)) byFloor.set(d.floor, []);
    byFloor.get(d.floor).push(d);
  }
  const floors = [...byFloor.keys()].sort((a, b) => b - a); /* top floor first */
  for (const list of byFloor.values()) list.sort(byRoom);
  const cols = Math.max(0, ...[...byFloor.values()].map((l) => l.length));

  const headId = `unit-${unit.id}`;
  const table = h('table', { class: 'rooms', dataset: { testid: 'unit-grid' } },
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
          return h('td', { dataset: { testid: 'room', room: d.room } },
            h('a', {
              class: 'room-link', href: `#/communities/${cid}/dwellings/${d.id}/residents`,
              'aria-label': t('building.residents', { room: d.room }), dataset: { testid: 'room-residents' },
            }, h('span', { class: 'room-no' }, d.room)),
            h('span', { class: 'room-area' }, formatArea(d.area), h('span', { class: 'unit-m2' }, ' m²')));
        }));
    })));

  return h('section', { class: 'unit', 'aria-labelledby': headId },
    h('h2', { id: headId }, unit.name,
      h('span', { class: 'muted' }, ` · ${t('building.unit_count', { n: formatInt((unit.dwellings || []).length) })}`)),
    h('div', {
      class: 'scroll-x',
      role: 'region',
      tabindex: 0,
      'aria-label': t('building.scroll', { unit: unit.name }),
    }, table));
}
