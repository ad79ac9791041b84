/*
 * One community: GET /api/communities/{id}.
 *
 * Shows the counts, then the tree street → community → grids, compounds →
 * buildings as nested lists (a plain list reads well in a screen reader and
 * needs no arrow-key tree widget); compounds are <details> so a long
 * compound folds on a phone. Workers, street officers and admins also get
 * the forms to add a grid, a compound, a building, and to lay a building
 * out. After a change the page redraws its tree in place and keeps the form
 * open, so adding ten buildings in a row stays quick.
 */

import { h } from '../dom.js';
import { t, formatInt, formatArea } from '../i18n.js';
import { get, post } from '../api.js';
import { counts, areaText, formCard, FieldError, layoutFields, layoutBody } from './parts.js';

export async function communityView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}`;
  let data = await get(base);

  const heading = h('h1', null, data.name);
  const sub = h('p', { class: 'muted' });
  const overview = h('div');
  const tree = h('div');

  function draw() {
    heading.textContent = data.name;
    sub.textContent = t('communities.street', { name: data.street_name });
    const c = data.counts || {};
    overview.replaceChildren(counts([
      ['count.grids', formatInt(c.grids)],
      ['count.compounds', formatInt(c.compounds)],
      ['count.buildings', formatInt(c.buildings)],
      ['count.units', formatInt(c.units)],
      ['count.dwellings', formatInt(c.dwellings)],
      ['count.area', formatArea(c.area)],
    ], 'community-counts'));
    tree.replaceChildren(drawTree(data, id));
  }
  draw();

  const section = h('section', { dataset: { testid: 'community-page' } },
    h('p', { class: 'crumbs no-print' }, h('a', { href: '#/communities' }, `← ${t('community.back')}`)),
    heading,
    sub,
    h('h2', { class: 'visually-hidden' }, t('community.counts')),
    overview,
    h('h2', null, t('community.tree')),
    tree);

  if (ctx.canChange(data)) {
    const reload = async () => {
      data = await get(base);
      draw();
      for (const f of forms) f.refresh();
    };
    const gridOptions = () => [['', t('form.grid_none')], ...data.grids.map((g) => [g.id, g.name])];
    const optionalId = (v) => (v === '' ? undefined : Number(v));
    const needName = (v) => {
      const name = v.name.trim();
      if (!name) throw new FieldError('name', t('err.invalid') + t('err.field', { field: t('field.name') }));
      return name;
    };

    const forms = [
      formCard({
        title: t('form.add_grid'),
        testid: 'add-grid',
        submitLabel: t('form.submit_add'),
        fields: [{ name: 'name', label: t('form.name'), required: true }],
        action: async (v) => {
          const name = needName(v);
          await post(`${base}/grids`, { name });
          await reload();
          return t('form.added', { name });
        },
      }),
      formCard({
        title: t('form.add_compound'),
        testid: 'add-compound',
        submitLabel: t('form.submit_add'),
        fields: [
          { name: 'name', label: t('form.name'), required: true },
          { name: 'grid_id', label: t('form.grid'), type: 'select', options: gridOptions },
          { name: 'address', label: t('form.address'), maxlength: 200 },
        ],
        action: async (v) => {
          const name = needName(v);
          const body = { name, grid_id: optionalId(v.grid_id) };
          if (v.address.trim()) body.address = v.address.trim();
          await post(`${base}/compounds`, body);
          await reload();
          return t('form.added', { name });
        },
      }),
      formCard({
        title: t('form.add_building'),
        testid: 'add-building',
        submitLabel: t('form.submit_add'),
        emptyText: t('form.no_compounds'),
        fields: [
          {
            name: 'compound_id', label: t('form.compound'), type: 'select', required: true,
            options: () => data.compounds.map((c) => [c.id, c.name]),
          },
          { name: 'name', label: t('form.name'), required: true },
          { name: 'grid_id', label: t('form.grid'), type: 'select', options: gridOptions },
        ],
        action: async (v) => {
          const name = needName(v);
          await post(`${base}/buildings`, {
            compound_id: Number(v.compound_id), name, grid_id: optionalId(v.grid_id),
          });
          await reload();
          return t('form.added', { name });
        },
      }),
      formCard({
        title: t('form.layout'),
        testid: 'layout',
        submitLabel: t('form.submit_layout'),
        emptyText: t('form.no_empty_buildings'),
        fields: [
          {
            name: 'building', label: t('form.building'), type: 'select', required: true,
            /* Only buildings without units: the server refuses a second layout (409). */
            options: () => data.compounds.flatMap((c) => c.buildings
              .filter((b) => !b.units)
              .map((b) => [b.id, `${c.name} · ${b.name}`])),
          },
          ...layoutFields(),
        ],
        action: async (v) => {
          const body = layoutBody(v);
          const r = await post(`${base}/buildings/${Number(v.building)}/layout`, body);
          await reload();
          return t('form.laid_out', { units: r.units, dwellings: r.dwellings });
        },
      }),
    ];

    section.append(
      h('section', { class: 'maintain no-print', dataset: { testid: 'maintain' } },
        h('h2', null, t('community.maintain')),
        forms));
  }
  return section;
}

function drawTree(data, id) {
  const buildingsInGrid = new Map();
  for (const c of data.compounds) {
    for (const b of c.buildings) {
      if (b.grid_id != null) buildingsInGrid.set(b.grid_id, (buildingsInGrid.get(b.grid_id) || 0) + 1);
    }
  }
  const gridName = new Map(data.grids.map((g) => [g.id, g.name]));

  const grids = data.grids.length === 0
    ? h('p', { class: 'muted' }, t('community.no_grids'))
    : h('ul', { dataset: { testid: 'tree-grids' } }, data.grids.map((g) =>
      h('li', null, g.name, ' ',
        h('span', { class: 'muted' }, t('community.buildings_in_grid', { n: formatInt(buildingsInGrid.get(g.id) || 0) })))));

  const compounds = data.compounds.length === 0
    ? h('p', { class: 'muted' }, t('community.no_compounds'))
    : h('ul', { class: 'compounds', dataset: { testid: 'tree-compounds' } }, data.compounds.map((c) => {
      const dwellings = c.buildings.reduce((n, b) => n + (b.dwellings || 0), 0);
      return h('li', null,
        h('details', { open: true, dataset: { testid: 'tree-compound' } },
          h('summary', null,
            h('span', { class: 'node-name' }, c.name), ' ',
            h('span', { class: 'muted' },
              t('meta.compound', { buildings: formatInt(c.buildings.length), dwellings: formatInt(dwellings) })),
            c.grid_id != null && gridName.has(c.grid_id) &&
              h('span', { class: 'muted' }, ` · ${t('community.grid_of', { name: gridName.get(c.grid_id) })}`)),
          c.buildings.length === 0
            ? h('p', { class: 'muted' }, t('community.no_buildings'))
            : h('ul', { class: 'buildings' }, c.buildings.map((b) =>
              /* The whole tile is the link: a big target on a phone, and the
                 link's name carries the counts for a screen reader. */
              h('li', { dataset: { testid: 'tree-building' } },
                h('a', { href: `#/communities/${id}/buildings/${b.id}`, dataset: { testid: 'building-link' } },
                  h('span', { class: 'node-name', dataset: { testid: 'building-name' } }, b.name),
                  b.units
                    ? [
                      h('span', { class: 'meta' }, t('meta.building', {
                        floors: formatInt(b.floors), dwellings: formatInt(b.dwellings),
                      })),
                      h('span', { class: 'meta' }, areaText(b.area)),
                    ]
                    : h('span', { class: 'meta' }, t('community.not_laid_out'))))))));
    }));

  return h('ul', { class: 'tree', dataset: { testid: 'tree' } },
    h('li', null,
      h('span', { class: 'node-kind' }, t('community.street')), ' ',
      h('span', { class: 'node-name' }, data.street_name),
      h('ul', null,
        h('li', null,
          h('span', { class: 'node-kind' }, t('community.community')), ' ',
          h('span', { class: 'node-name' }, data.name),
          h('ul', null,
            h('li', null,
              h('span', { class: 'node-kind' }, `${t('community.grids')} (${formatInt(data.grids.length)})`),
              grids),
            h('li', null,
              h('span', { class: 'node-kind' }, `${t('community.compounds')} (${formatInt(data.compounds.length)})`),
              compounds))))));
}
