/*
 * The residents register (居民登记) of one community: search by name (two
 * characters are enough: 王芳), the last four digits of the phone, an age
 * range and a dwelling picked building → unit → room; results as cards on a
 * phone and as a table on paper (A4), paged with the server's `next`; and,
 * for those who change the community, a form to add a resident.
 *
 * The server shows ID numbers and phones masked in every list; this page
 * never asks for them in full (only resident.js does, on a button, audited).
 * Where someone lives comes from the dwellings list (GET .../dwellings, by
 * id) and the community tree (building names), fetched once per page of
 * results and cached, since a resident carries only a dwelling_id.
 *
 * Shared with resident.js: dwellingPicker, addressBook, residentFields,
 * ageOf.
 */

import { h, uid } from '../dom.js';
import { t, formatInt } from '../i18n.js';
import { get, post, errorText } from '../api.js';

export const RELATIONS = ['householder', 'spouse', 'child', 'parent', 'other'];
export const RESIDENCIES = ['huji', 'resident', 'floating', 'tenant', 'separated'];

const byRoom = (a, b) => (a.floor - b.floor)
  || String(a.room).localeCompare(String(b.room), 'en', { numeric: true });

/* Whole years from "YYYY-MM-DD" to today in China; null without a date. */
export function ageOf(birth) {
  if (!birth) return null;
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  let age = Number(today.slice(0, 4)) - Number(birth.slice(0, 4));
  if (today.slice(5) < birth.slice(5)) age -= 1;
  return age;
}

/*
 * Where dwellings are: building names from the community tree, the rest
 * from the dwellings list, cached by id. label(id) is "" until load() has
 * seen the id.
 */
export function addressBook(cid, community) {
  const buildings = new Map();
  for (const c of community.compounds || []) {
    for (const b of c.buildings || []) buildings.set(b.id, { name: b.name, compound: c.name });
  }
  const dwellings = new Map();
  return {
    buildings,
    async load(ids) {
      let want = [...new Set(ids.filter((id) => id && !dwellings.has(id)))].sort((a, b) => a - b);
      /* one page of 200 from the smallest unknown id covers a household's
         neighbours too; a few rounds at most */
      for (let round = 0; want.length > 0 && round < 10; round++) {
        const r = await get(`/api/communities/${cid}/dwellings?after=${want[0] - 1}&limit=200`);
        for (const d of r.dwellings || []) dwellings.set(d.id, d);
        const missed = dwellings.has(want[0]) ? [] : [want[0]]; /* gone: do not ask again */
        for (const id of missed) dwellings.set(id, null);
        want = want.filter((id) => !dwellings.has(id));
      }
    },
    dwelling(id) {
      return dwellings.get(id) || null;
    },
    label(id) {
      const d = dwellings.get(id);
      if (!d) return '';
      const b = buildings.get(d.building_id);
      return t('residents.address', {
        compound: b ? b.compound : '', building: b ? b.name : '', unit: d.unit, room: d.room,
      }).trim();
    },
  };
}

/*
 * Building → unit → room selects. value() is the dwelling id or null;
 * set(d) selects a dwelling ({id, building_id, unit_id}); onchange(fn).
 * testid prefixes the selects' data-testid.
 */
export function dwellingPicker(cid, community, testid, anyLabel) {
  const bId = uid(`${testid}-b`);
  const uId = uid(`${testid}-u`);
  const rId = uid(`${testid}-r`);
  const building = h('select', { id: bId, dataset: { testid: `${testid}-building` } },
    h('option', { value: '' }, anyLabel),
    (community.compounds || []).map((c) => h('optgroup', { label: c.name },
      (c.buildings || []).map((b) => h('option', { value: String(b.id) }, `${c.name} ${b.name}`)))));
  const unit = h('select', { id: uId, disabled: true, dataset: { testid: `${testid}-unit` } });
  const room = h('select', { id: rId, disabled: true, dataset: { testid: `${testid}-room` } });
  let units = [];
  const listeners = [];
  const fire = () => listeners.forEach((fn) => fn());

  function fillRooms() {
    const u = units.find((x) => String(x.id) === unit.value);
    const list = u ? [...(u.dwellings || [])].sort(byRoom) : [];
    room.replaceChildren(h('option', { value: '' }, anyLabel),
      ...list.map((d) => h('option', { value: String(d.id) }, t('residents.room_option', { floor: d.floor, room: d.room }))));
    room.disabled = list.length === 0;
  }
  async function loadUnits(bid) {
    units = [];
    unit.replaceChildren();
    unit.disabled = true;
    fillRooms();
    if (!bid) return;
    const b = await get(`/api/communities/${cid}/buildings/${bid}`);
    units = b.units || [];
    unit.replaceChildren(...units.map((u) => h('option', { value: String(u.id) }, u.name)));
    unit.disabled = units.length === 0;
    fillRooms();
  }
  building.addEventListener('change', async () => {
    await loadUnits(building.value);
    fire();
  });
  unit.addEventListener('change', () => {
    fillRooms();
    fire();
  });
  room.addEventListener('change', fire);

  const node = h('fieldset', { class: 'dwelling-picker' },
    h('legend', null, t('residents.dwelling')),
    h('div', { class: 'field' }, h('label', { for: bId }, t('residents.building')), building),
    h('div', { class: 'field' }, h('label', { for: uId }, t('residents.unit')), unit),
    h('div', { class: 'field' }, h('label', { for: rId }, t('residents.room')), room));
  return {
    node,
    focusTarget: room,
    value: () => (room.value ? Number(room.value) : null),
    building: () => (building.value ? Number(building.value) : null),
    async set(d) {
      if (!d) return;
      building.value = String(d.building_id);
      await loadUnits(building.value);
      unit.value = String(d.unit_id);
      fillRooms();
      room.value = String(d.id);
    },
    onchange(fn) {
      listeners.push(fn);
    },
  };
}

/*
 * The fields of a resident's form, each with its own error line, so the
 * API's `field` lands next to the input it blames. Returns {node, values(),
 * blame(field, text), clear()}; picker is a dwellingPicker blamed as
 * dwelling_id. r: the resident when editing (masked values are not put into
 * inputs: an empty ID number or phone means "unchanged").
 */
export function residentFields(testid, picker, r) {
  const inputs = {};
  const errors = {};
  function row(name, input, hint) {
    const id = uid(`${testid}-${name}`);
    const errId = `${id}-error`;
    const hintId = hint ? `${id}-hint` : null;
    input.id = id;
    input.dataset.testid = `${testid}-${name}`;
    if (hintId) input.setAttribute('aria-describedby', hintId);
    inputs[name] = input;
    errors[name] = { el: h('p', { id: errId, class: 'error field-error', dataset: { testid: `${testid}-${name}-error` } }), hintId };
    return h('div', { class: 'field' },
      h('label', { for: id }, t(`residents.${name}`)),
      input,
      hint && h('p', { id: hintId, class: 'hint' }, hint),
      errors[name].el);
  }
  const text = (name, value, extra) => h('input', { type: 'text', autocomplete: 'off', value: value ?? '', ...extra });
  const select = (name, list, prefix, value, blank) => {
    const s = h('select', null,
      blank && h('option', { value: '' }, blank),
      list.map((k) => h('option', { value: k }, t(`${prefix}.${k}`))));
    s.value = value ?? (blank ? '' : list[0]);
    return s;
  };
  const vol = h('input', { type: 'checkbox' });
  vol.checked = !!(r && r.volunteer_willing);
  const pickerErr = h('p', { class: 'error field-error', id: uid(`${testid}-dw-error`), dataset: { testid: `${testid}-dwelling_id-error` } });
  errors.dwelling_id = { el: pickerErr, hintId: null };

  const node = h('div', { class: 'stack' },
    row('name', text('name', r && r.name, { maxlength: 50, required: true })),
    row('id_number', text('id_number', '', { maxlength: 40, inputmode: 'text' }),
      r ? t('resident.keep_hint', { value: r.id_number || t('resident.none') }) : t('residents.id_hint')),
    row('gender', select('gender', ['male', 'female'], 'gender', r && r.gender, t('residents.from_id'))),
    row('birth_date', text('birth_date', r && r.birth_date, { maxlength: 10, inputmode: 'numeric' }), t('residents.date_hint')),
    row('phone', text('phone', '', { maxlength: 32, inputmode: 'tel' }),
      r ? t('resident.keep_hint', { value: r.phone || t('resident.none') }) : t('residents.phone_hint')),
    row('relation', select('relation', RELATIONS, 'relation', r ? r.relation : 'other')),
    row('residency', select('residency', RESIDENCIES, 'residency', r ? r.residency : 'huji')),
    row('skills', text('skills', r && r.skills, { maxlength: 200 }), t('residents.skills_hint')),
    row('languages', text('languages', r && r.languages, { maxlength: 100 }), t('residents.languages_hint')),
    h('div', { class: 'field checkbox' },
      h('label', null, vol, ' ', t('residents.volunteer_willing'))),
    picker.node, pickerErr);
  vol.dataset.testid = `${testid}-volunteer_willing`;

  return {
    node,
    values() {
      const v = {};
      for (const [k, el] of Object.entries(inputs)) v[k] = el.value.trim();
      v.volunteer_willing = vol.checked;
      v.dwelling_id = picker.value();
      return v;
    },
    clear() {
      for (const [k, { el, hintId }] of Object.entries(errors)) {
        el.textContent = '';
        const input = inputs[k];
        if (input) {
          input.removeAttribute('aria-invalid');
          if (hintId) input.setAttribute('aria-describedby', hintId);
          else input.removeAttribute('aria-describedby');
        }
      }
    },
    /* true when the field is one of the form's */
    blame(field, msg) {
      const entry = errors[field];
      if (!entry) return false;
      entry.el.textContent = msg;
      const input = inputs[field] || picker.focusTarget;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', [entry.hintId, entry.el.id].filter(Boolean).join(' '));
      input.focus();
      return true;
    },
  };
}

/* #/residents: straight to the community when the user looks after one. */
export async function residentsIndexView(ctx) {
  const data = await get('/api/communities');
  const list = data.communities || [];
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/residents`);
    return residentsView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'residents-index' } },
    h('h1', null, t('residents.title')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('communities.empty'))
      : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${c.id}/residents` }, c.name))))));
}

/* #/communities/{id}/residents, and .../dwellings/{d}/residents (from a
   building's grid: that dwelling's people). */
export async function residentsView(ctx) {
  const [cid, fromDwelling] = ctx.params;
  const base = `/api/communities/${cid}`;
  const community = await get(base);
  const book = addressBook(cid, community);
  const change = ctx.canChange(community);

  const q = h('input', { id: 'res-q', type: 'search', maxlength: 50, autocomplete: 'off', dataset: { testid: 'res-q' } });
  const tail = h('input', { id: 'res-tail', type: 'text', inputmode: 'numeric', maxlength: 4, autocomplete: 'off', dataset: { testid: 'res-tail' } });
  const amin = h('input', { id: 'res-amin', type: 'text', inputmode: 'numeric', maxlength: 3, autocomplete: 'off', dataset: { testid: 'res-age-min' } });
  const amax = h('input', { id: 'res-amax', type: 'text', inputmode: 'numeric', maxlength: 3, autocomplete: 'off', dataset: { testid: 'res-age-max' } });
  const picker = dwellingPicker(cid, community, 'res-where', t('residents.any'));
  const searchError = h('p', { class: 'error', role: 'alert', dataset: { testid: 'res-search-error' } });

  const summary = h('p', { class: 'muted', role: 'status', dataset: { testid: 'res-summary' } });
  const cards = h('ul', { class: 'cards resident-cards no-print', dataset: { testid: 'res-cards' } });
  const tbody = h('tbody');
  const table = h('table', { class: 'residents-table print-only', dataset: { testid: 'res-table' } },
    h('caption', null, t('residents.print_caption', { community: community.name })),
    h('thead', null, h('tr', null,
      ['residents.name', 'residents.gender', 'residents.age', 'residents.relation', 'residents.residency',
        'residents.dwelling', 'residents.phone', 'residents.skills'].map((k) => h('th', { scope: 'col' }, t(k))))),
    tbody);
  const more = h('button', { type: 'button', class: 'secondary no-print', hidden: true, dataset: { testid: 'res-more' } }, t('residents.more'));

  let filter = null;
  let next = null;
  let shown = 0;

  function card(r) {
    const age = ageOf(r.birth_date);
    const where = r.dwelling_id ? book.label(r.dwelling_id) : t('residents.no_dwelling');
    const href = `#/communities/${cid}/residents/${r.id}`;
    cards.append(h('li', { class: 'card resident-card', dataset: { testid: 'res-card' } },
      h('h3', null, h('a', { href, dataset: { testid: 'res-link' } }, r.name)),
      h('p', null, [t(`gender.${r.gender}`), age === null ? null : t('residents.age_n', { n: age }),
        t(`relation.${r.relation}`), t(`residency.${r.residency}`)].filter(Boolean).join(' · ')),
      h('p', { class: 'muted' }, where),
      (r.phone || r.skills) && h('p', { class: 'muted' }, [r.phone, r.skills].filter(Boolean).join(' · ')),
      r.volunteer_willing && h('span', { class: 'tag' }, t('residents.volunteer'))));
    tbody.append(h('tr', null,
      h('td', null, r.name), h('td', null, t(`gender.${r.gender}`)), h('td', null, age ?? ''),
      h('td', null, t(`relation.${r.relation}`)), h('td', null, t(`residency.${r.residency}`)),
      h('td', null, where), h('td', null, r.phone || ''), h('td', null, r.skills || '')));
  }

  async function page(reset) {
    const params = new URLSearchParams(filter);
    if (!reset && next) params.set('after', String(next));
    const r = await get(`${base}/residents?${params}`);
    const list = r.residents || [];
    await book.load(list.map((x) => x.dwelling_id).filter(Boolean));
    if (reset) {
      cards.replaceChildren();
      tbody.replaceChildren();
      shown = 0;
    }
    list.forEach(card);
    shown += list.length;
    next = r.next;
    more.hidden = next === null || next === undefined;
    summary.textContent = shown === 0 ? t('residents.none')
      : t(more.hidden ? 'residents.count' : 'residents.count_more', { n: formatInt(shown) });
  }

  function collect() {
    const f = {};
    const age = (el, name) => {
      const v = el.value.trim();
      if (!v) return;
      if (!/^\d{1,3}$/.test(v) || Number(v) > 150) throw Object.assign(new Error(t('residents.bad_age')), { el, name });
      f[name] = v;
    };
    if (q.value.trim()) f.q = q.value.trim();
    const tv = tail.value.trim();
    if (tv) {
      if (!/^\d{4}$/.test(tv)) throw Object.assign(new Error(t('residents.bad_tail')), { el: tail });
      f.phone_tail = tv;
    }
    age(amin, 'age_min');
    age(amax, 'age_max');
    if (picker.value()) f.dwelling = String(picker.value());
    return f;
  }

  async function search(ev) {
    if (ev) ev.preventDefault();
    searchError.textContent = '';
    for (const el of [tail, amin, amax]) el.removeAttribute('aria-invalid');
    try {
      filter = collect();
    } catch (err) {
      searchError.textContent = err.message;
      err.el.setAttribute('aria-invalid', 'true');
      err.el.focus();
      return;
    }
    try {
      await page(true);
    } catch (err) {
      searchError.textContent = errorText(err);
    }
  }
  more.addEventListener('click', async () => {
    try {
      await page(false);
    } catch (err) {
      ctx.showError(err);
    }
  });

  const form = h('form', { class: 'search stack', role: 'search', onsubmit: search, dataset: { testid: 'res-search' } },
    h('div', { class: 'field' }, h('label', { for: 'res-q' }, t('residents.q')), q),
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'res-tail' }, t('residents.tail')), tail),
      h('div', { class: 'field' }, h('label', { for: 'res-amin' }, t('residents.age_min')), amin),
      h('div', { class: 'field' }, h('label', { for: 'res-amax' }, t('residents.age_max')), amax)),
    h('details', { class: 'where' }, h('summary', null, t('residents.by_dwelling')), picker.node),
    searchError,
    h('button', { type: 'submit', class: 'primary', dataset: { testid: 'res-search-go' } }, t('residents.search_go')));

  const section = h('section', { class: 'residents-page', dataset: { testid: 'residents-page' } },
    h('p', { class: 'crumbs no-print' }, h('a', { href: `#/communities/${cid}` }, `← ${community.name}`)),
    h('h1', null, t('residents.title')),
    h('p', { class: 'muted' }, `${community.street_name} · ${community.name}`),
    h('div', { class: 'no-print' }, form),
    h('p', { class: 'no-print' },
      h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('residents.print'))),
    summary, cards, table, more);

  if (change) section.append(addForm(ctx, cid, community));

  if (fromDwelling) {
    /* opened from a building's grid: that dwelling's household */
    await book.load([fromDwelling]);
    const d = book.dwelling(fromDwelling);
    if (d) {
      await picker.set(d);
      section.querySelector('details.where').open = true;
      section.insertBefore(h('h2', { dataset: { testid: 'res-dwelling-title' } }, book.label(fromDwelling)), summary);
    }
  }
  filter = fromDwelling ? { dwelling: String(fromDwelling) } : {};
  await page(true);
  return section;
}

/* The add form: checks only what a person can fix before asking; the server
   checks everything and names the field. */
function addForm(ctx, cid, community) {
  const picker = dwellingPicker(cid, community, 'res-add-where', t('residents.none_chosen'));
  const f = residentFields('res-add', picker, null);
  const status = h('p', { class: 'ok', role: 'status', dataset: { testid: 'res-add-status' } });
  const general = h('p', { class: 'error', role: 'alert', dataset: { testid: 'res-add-error' } });
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'res-add-submit' } }, t('residents.add'));
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
    const body = { name: v.name, relation: v.relation, residency: v.residency, volunteer_willing: v.volunteer_willing };
    for (const k of ['id_number', 'gender', 'birth_date', 'phone', 'skills', 'languages']) if (v[k]) body[k] = v[k];
    if (v.dwelling_id) body.dwelling_id = v.dwelling_id;
    submit.disabled = true;
    try {
      const r = await post(`/api/communities/${cid}/residents`, body);
      ctx.navigate(`/communities/${cid}/residents/${r.id}`);
    } catch (err) {
      if (!f.blame(err.field, errorText(err))) general.textContent = errorText(err);
    } finally {
      submit.disabled = false;
    }
  }
  return h('details', { class: 'form-card no-print', dataset: { testid: 'res-add' } },
    h('summary', null, t('residents.add')),
    h('form', { class: 'stack', novalidate: true, onsubmit }, f.node, general, submit, status));
}
