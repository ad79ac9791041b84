/*
 * Owners of a building (业主名册): #/communities/{id}/buildings/{bid}/owners
 *
 * One table per unit, a row per dwelling by floor and room: the owners'
 * names (the voter marked in words, not only by a sign), their shares, the
 * effective exclusive area and where it comes from (register, survey,
 * contract). Printed, it is the building's owners' register on A4: the
 * controls are .no-print and the tables repeat their headers per page.
 *
 * Above the tables, the electorate figures (arts. 8-9 of the SPC
 * interpretation) for a scope the user picks: this building, one of its
 * units, its compound or the whole community. Owners and areas are counted
 * by the server; the page only formats them (areas stay integer 0.01 m²).
 *
 * Staff who change the community get the room number as a button that
 * opens a panel under its row: owners (make voter, remove), add an owner found by name
 * or the developer, and set or clear the area of each source. After each
 * change the page is drawn again from the server.
 */

import { h, uid } from '../dom.js';
import { t, formatInt, formatArea } from '../i18n.js';
import { get, post, del, request, errorText } from '../api.js';
import { counts, parseArea } from './parts.js';

const SOURCES = ['register', 'survey', 'contract'];

function floorLabel(floor) {
  return floor < 0 ? `B${-floor}` : String(floor);
}

const byFloorRoom = (a, b) => (a.floor - b.floor)
  || String(a.room).localeCompare(String(b.room), 'en', { numeric: true });

function areaCell(d) {
  if (d.effective_area === null || d.effective_area === undefined) {
    return h('span', { class: 'muted' }, t('owners.no_area'));
  }
  return h('span', { class: 'owners-m2' }, `${formatArea(d.effective_area)} m²`);
}

function ownerLine(o) {
  return h('li', { dataset: { testid: 'owner' } },
    o.name,
    o.share && h('span', { class: 'muted' }, ` ${o.share}`),
    o.developer && o.name !== '建设单位' && h('span', { class: 'tag' }, ` ${t('owners.developer_tag')}`),
    o.voter && h('span', { class: 'tag owner-voter', dataset: { testid: 'voter' } }, ` ★ ${t('owners.voter')}`));
}

export async function ownersView(ctx) {
  const [cid, bid] = ctx.params;
  const b = await get(`/api/communities/${cid}/buildings/${bid}/owners`);
  const units = b.units || [];

  const section = h('section', { class: 'owners-page', dataset: { testid: 'owners-page' } },
    h('p', { class: 'crumbs no-print' },
      h('a', { href: `#/communities/${cid}/buildings/${bid}` }, `← ${t('owners.back', { name: b.name })}`)),
    h('p', { class: 'muted' }, `${b.community.street_name} · ${b.community.name} · ${b.compound_name}`),
    h('h1', null, t('owners.title', { building: b.name })),
    b.developer && h('p', { class: 'muted' }, t('owners.developer_is', { name: b.developer })),
    h('p', { class: 'no-print' },
      h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('building.print'))));

  section.append(electoratePanel(cid, b));
  if (units.length === 0) {
    section.append(h('p', { class: 'muted' }, t('building.empty')));
    return section;
  }
  for (const unit of units) section.append(unitTable(ctx, cid, b, unit));
  return section;
}

/* The electorate figures for a scope chosen from a select. */
function electoratePanel(cid, b) {
  const id = uid('scope');
  const out = h('div', { dataset: { testid: 'electorate' }, 'aria-live': 'polite' });
  const select = h('select', { id, dataset: { testid: 'electorate-scope' } },
    h('option', { value: `building:${b.id}` }, t('owners.scope.building', { name: b.name })),
    (b.units || []).map((u) => h('option', { value: `unit:${u.id}` }, t('owners.scope.unit', { name: u.name }))),
    h('option', { value: `compound:${b.compound_id}` }, t('owners.scope.compound', { name: b.compound_name })),
    h('option', { value: 'community:' }, t('owners.scope.community', { name: b.community.name })));

  async function load() {
    const [scope, sid] = select.value.split(':');
    const q = sid ? `scope=${scope}&id=${sid}` : `scope=${scope}`;
    try {
      const f = await get(`/api/communities/${cid}/electorate?${q}`);
      out.replaceChildren(
        counts([
          ['owners.f.owners', formatInt(f.owners)],
          ['owners.f.area', `${f.area} m²`],
          ['owners.f.owned', formatInt(f.owned)],
          ['owners.f.dwellings', formatInt(f.dwellings)],
          ['owners.f.unowned', formatInt(f.unowned)],
          ['owners.f.developer', formatInt(f.developer_dwellings)],
          ['owners.f.without_area', formatInt(f.without_area)],
        ], 'electorate-counts'),
        h('p', { class: 'muted' }, t('owners.f.by_source', {
          register: f.by_source.register.area, nr: formatInt(f.by_source.register.dwellings),
          survey: f.by_source.survey.area, ns: formatInt(f.by_source.survey.dwellings),
          contract: f.by_source.contract.area, nc: formatInt(f.by_source.contract.dwellings),
        })),
        h('p', { class: 'hint' }, t('owners.f.rule')));
    } catch (err) {
      out.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
  }
  select.addEventListener('change', load);
  load();
  return h('section', { class: 'card', 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, t('owners.electorate')),
    h('div', { class: 'field no-print' }, h('label', { for: id }, t('owners.scope')), select),
    out);
}

function unitTable(ctx, cid, b, unit) {
  const rows = [...(unit.dwellings || [])].sort(byFloorRoom);
  const headId = uid('owners-unit');
  const edit = b.can_edit;
  const body = h('tbody', null);
  for (const d of rows) {
    /* For editors the room number is the button that opens the panel (a
       column of buttons would not fit a phone); on paper it prints as text. */
    const roomCell = edit
      ? h('button', {
        type: 'button', class: 'secondary owner-room', dataset: { testid: 'owner-edit' },
        'aria-expanded': 'false', 'aria-label': t('owners.edit_room', { room: d.room }),
        onclick: (ev) => togglePanel(ctx, cid, d, tr, ev.currentTarget),
      }, d.room)
      : d.room;
    const tr = h('tr', { dataset: { testid: 'owner-row', room: d.room } },
      h('th', { scope: 'row' }, roomCell),
      h('td', null, floorLabel(d.floor)),
      h('td', { class: 'owners-names' }, d.owners.length
        ? h('ul', { class: 'plain' }, d.owners.map(ownerLine))
        : h('span', { class: 'muted' }, t('owners.none'))),
      h('td', { class: 'owners-area' }, areaCell(d),
        d.area_source && h('span', { class: 'owners-source' }, t(`owners.source.${d.area_source}`))));
    body.append(tr);
  }
  return h('section', { class: 'unit', 'aria-labelledby': headId },
    h('h2', { id: headId }, unit.name),
    h('div', { class: 'scroll-x', role: 'region', tabindex: 0, 'aria-labelledby': headId },
      h('table', { class: 'coverage-table owners-table' },
        h('caption', { class: 'visually-hidden' }, t('owners.caption', { unit: unit.name })),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, t('owners.col.room')),
          h('th', { scope: 'col' }, t('building.floor')),
          h('th', { scope: 'col' }, t('owners.col.owners')),
          h('th', { scope: 'col' }, t('owners.col.area')))),
        body)));
}

/* Opens (or closes) the editing panel of dwelling d under its row. */
function togglePanel(ctx, cid, d, tr, button) {
  const next = tr.nextElementSibling;
  if (next && next.classList.contains('owner-panel-row')) {
    next.remove();
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  button.setAttribute('aria-expanded', 'true');
  const panel = editPanel(ctx, cid, d);
  tr.after(h('tr', { class: 'owner-panel-row no-print' }, h('td', { colspan: 4 }, panel)));
  panel.querySelector('h3').focus();
}

function editPanel(ctx, cid, d) {
  const base = `/api/communities/${cid}/dwellings/${d.id}`;
  const error = h('p', { class: 'error', role: 'alert', dataset: { testid: 'owner-panel-error' } });
  const act = async (fn) => {
    error.textContent = '';
    try {
      await fn();
      ctx.refresh();
    } catch (err) {
      error.textContent = errorText(err);
    }
  };

  const ownerItems = d.owners.map((o) => h('li', null,
    o.name, o.share && ` ${o.share}`, o.voter && ` ★ ${t('owners.voter')}`, ' ',
    !o.voter && h('button', {
      type: 'button', class: 'secondary', dataset: { testid: 'make-voter' },
      onclick: () => act(() => request('PATCH', `${base}/owners/${o.id}`, { voter: true })),
    }, t('owners.make_voter')),
    ' ',
    h('button', {
      type: 'button', class: 'secondary', dataset: { testid: 'remove-owner' },
      onclick: () => act(() => del(`${base}/owners/${o.id}`)),
    }, t('owners.remove'))));

  /* find a resident by name, then add */
  const qId = uid('owner-q');
  const shareId = uid('owner-share');
  const q = h('input', { id: qId, type: 'search', maxlength: 50, autocomplete: 'off', dataset: { testid: 'owner-search' } });
  const share = h('input', { id: shareId, type: 'text', maxlength: 20, autocomplete: 'off', dataset: { testid: 'owner-share' } });
  const found = h('ul', { class: 'plain', 'aria-live': 'polite' });
  const search = async () => {
    error.textContent = '';
    try {
      const r = await get(`/api/communities/${cid}/residents?limit=10&q=${encodeURIComponent(q.value.trim())}`);
      found.replaceChildren(...(r.residents.length ? r.residents.map((p) => h('li', null, p.name, ' ',
        h('button', {
          type: 'button', class: 'secondary', dataset: { testid: 'add-owner' },
          onclick: () => act(() => post(`${base}/owners`, share.value.trim()
            ? { resident_id: p.id, share: share.value.trim() } : { resident_id: p.id })),
        }, t('owners.add_this')))) : [h('li', { class: 'muted' }, t('owners.nobody_found'))]));
    } catch (err) {
      error.textContent = errorText(err);
    }
  };

  const areaRows = SOURCES.map((s) => {
    const cur = d.areas && d.areas[s];
    const aId = uid(`area-${s}`);
    const nId = uid(`note-${s}`);
    const area = h('input', { id: aId, type: 'text', inputmode: 'decimal', maxlength: 12, value: cur ? formatArea(cur.area).replace(/,/g, '') : '', dataset: { testid: `area-${s}` } });
    const note = h('input', { id: nId, type: 'text', maxlength: 200, value: cur ? cur.note : '', dataset: { testid: `note-${s}` } });
    return h('fieldset', { class: 'stack' },
      h('legend', null, t(`owners.source.${s}`)),
      h('div', { class: 'field' }, h('label', { for: aId }, t('owners.area_m2')), area),
      h('div', { class: 'field' }, h('label', { for: nId }, t('owners.note')), note),
      h('p', null,
        h('button', {
          type: 'button', class: 'primary', dataset: { testid: `save-area-${s}` },
          onclick: () => {
            const v = parseArea(area.value);
            if (v === null) {
              error.textContent = t('owners.bad_area');
              area.setAttribute('aria-invalid', 'true');
              area.focus();
              return;
            }
            act(() => request('PUT', `${base}/areas`, { source: s, area: v, note: note.value.trim() }));
          },
        }, t('owners.save')),
        ' ',
        cur && h('button', {
          type: 'button', class: 'secondary', dataset: { testid: `clear-area-${s}` },
          onclick: () => act(() => del(`${base}/areas?source=${s}`)),
        }, t('owners.clear'))));
  });

  return h('div', { class: 'owner-panel stack', dataset: { testid: 'owner-panel' } },
    h('h3', { tabindex: -1 }, t('owners.edit_title', { room: d.room })),
    error,
    h('h4', null, t('owners.col.owners')),
    d.owners.length ? h('ul', { class: 'plain' }, ownerItems) : h('p', { class: 'muted' }, t('owners.none')),
    h('div', { class: 'field' }, h('label', { for: qId }, t('owners.find')), q),
    h('div', { class: 'field' }, h('label', { for: shareId }, t('owners.share'), h('span', { class: 'muted' }, ` (${t('form.optional')})`)), share),
    h('p', null,
      h('button', { type: 'button', class: 'secondary', dataset: { testid: 'owner-find' }, onclick: search }, t('owners.search')),
      ' ',
      h('button', {
        type: 'button', class: 'secondary', dataset: { testid: 'add-developer' },
        onclick: () => act(() => post(`${base}/owners`, { developer: true })),
      }, t('owners.add_developer'))),
    found,
    h('h4', null, t('owners.areas')),
    h('p', { class: 'hint' }, t('owners.areas_hint')),
    areaRows);
}
