/*
 * Care needs (特殊关爱) of one community: the care list (GET .../care) as
 * cards on a phone and as a table on A4 paper, with filters by tag, grid and
 * building; a resident's tags and caretakers with a small editor
 * (renderResidentCare, also for the residents page to embed); and the tag
 * catalogue editor for workers.
 *
 * What a person sees is what the server sends: a volunteer's list has no
 * sensitive tags in it at all (the server leaves them out), so the page
 * never has to hide anything. The edit controls appear when the server says
 * can_edit; the server decides again on every change.
 */

import { h, uid } from '../dom.js';
import { t, lang, formatInt } from '../i18n.js';
import { get, post, del, request, errorText } from '../api.js';
import { memberCommunities, communityInfo } from './rounds.js';

const CATEGORIES = ['vision', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple'];
const GRADES = [1, 2, 3, 4];
const DETAIL_KINDS = ['none', 'text', 'disability'];

const tagName = (tg) => (lang() === 'en' ? tg.name_en : tg.name_zh);

/* "肢体 二级" / "physical, grade 2" / the text. */
function detailText(tg) {
  const d = tg.detail;
  if (d === null || d === undefined) return '';
  if (typeof d === 'object') {
    return t('care.disability_detail', { category: t(`care.cat.${d.category}`), grade: t(`care.grade.${d.grade}`) });
  }
  return String(d);
}

function tagChip(tg) {
  const extra = detailText(tg);
  return h('span', { class: `care-tag${tg.sensitive ? ' sensitive' : ''}`, dataset: { testid: 'care-tag', code: tg.code } },
    tagName(tg), extra && ` · ${extra}`);
}

function dwellingText(d) {
  if (!d) return t('care.no_dwelling');
  return [d.building, d.unit, d.room].filter(Boolean).join(' ');
}

function caretakerText(c) {
  if (!c) return '';
  return c.relation ? `${c.name}（${c.relation}）` : c.name;
}

/* #/care: straight to the community when the user belongs to one. */
export async function careIndexView(ctx) {
  const list = await memberCommunities(ctx.user);
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/care`);
    return careView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'care-index' } },
    h('h1', null, t('care.title')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('communities.empty'))
      : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${c.id}/care` }, c.name || t('rounds.community_n', { id: c.id })))))));
}

/* #/communities/:id/care */
export async function careView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}`;
  const [tagsData, community] = await Promise.all([get(`${base}/care/tags`), communityInfo(ctx.user, id)]);
  /* a volunteer's list never holds sensitive tags: do not offer them as filters */
  const tags = (tagsData.tags || []).filter((tg) => community.name || !tg.sensitive);
  const grids = community.grids || [];
  const buildings = (community.compounds || []).flatMap((cp) => cp.buildings.map((b) => ({ id: b.id, name: `${cp.name} ${b.name}` })));

  const select = (sid, testid, anyKey, options) => h('select', { id: sid, dataset: { testid } },
    h('option', { value: '' }, t(anyKey)),
    options.map(([v, label]) => h('option', { value: String(v) }, label)));
  const tagSel = select(uid('care-tag'), 'care-filter-tag', 'care.any_tag', tags.map((tg) => [tg.code, tagName(tg)]));
  const gridSel = select(uid('care-grid'), 'care-filter-grid', 'care.any_grid', grids.map((g) => [g.id, g.name]));
  const buildingSel = select(uid('care-building'), 'care-filter-building', 'care.any_building', buildings.map((b) => [b.id, b.name]));

  const summary = h('p', { class: 'muted care-summary', 'aria-live': 'polite', dataset: { testid: 'care-summary' } });
  const cards = h('div');
  const table = h('div', { class: 'print-only' });

  async function load() {
    const q = new URLSearchParams();
    if (tagSel.value) q.set('tag', tagSel.value);
    if (gridSel.value) q.set('grid', gridSel.value);
    if (buildingSel.value) q.set('building', buildingSel.value);
    q.set('limit', '1000');
    let data;
    try {
      data = await get(`${base}/care?${q}`);
    } catch (err) {
      ctx.showError(err);
      return;
    }
    const rows = data.residents || [];
    const unassigned = rows.filter((r) => r.unassigned).length;
    summary.textContent = t('care.summary', { n: formatInt(data.total), unassigned: formatInt(unassigned) }) +
      (data.hidden ? ` ${t('care.hidden_note')}` : '');
    const href = (r) => `#/communities/${id}/care/residents/${r.id}`;
    cards.replaceChildren(rows.length === 0
      ? h('p', { class: 'muted', dataset: { testid: 'care-empty' } }, t('care.empty'))
      : h('ul', { class: 'cards care-list', dataset: { testid: 'care-list' } }, rows.map((r) =>
        h('li', { class: `card care-card${r.unassigned ? ' unassigned' : ''}`, dataset: { testid: 'care-card' } },
          h('h3', null, h('a', { href: href(r) }, r.name),
            h('span', { class: 'muted' }, ` ${r.age !== null ? t('care.age', { age: r.age }) : ''}`)),
          h('p', { class: 'muted' }, dwellingText(r.dwelling)),
          h('p', { class: 'care-tags' }, r.tags.map(tagChip)),
          r.unassigned
            ? h('p', { class: 'care-alert', dataset: { testid: 'care-unassigned' } }, t('care.unassigned'))
            : h('p', null,
              r.primary ? t('care.primary_is', { name: caretakerText(r.primary) }) : t('care.no_primary'),
              r.backups.length > 0 && ` · ${t('care.backup_is', { names: r.backups.map(caretakerText).join('、') })}`)))));
    table.replaceChildren(
      h('h2', null, t('care.print_title')),
      h('table', { class: 'care-table' },
        h('thead', null, h('tr', null,
          ['#', t('care.col_name'), t('care.col_age'), t('care.col_dwelling'), t('care.col_tags'), t('care.col_primary'), t('care.col_backup')]
            .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, rows.map((r, i) => h('tr', null,
          h('td', null, String(i + 1)),
          h('td', null, r.name),
          h('td', null, r.age !== null ? String(r.age) : ''),
          h('td', null, dwellingText(r.dwelling)),
          h('td', null, r.tags.map((tg) => [tagName(tg), detailText(tg)].filter(Boolean).join(' ')).join('；')),
          h('td', null, r.primary ? caretakerText(r.primary) : t('care.none')),
          h('td', null, r.backups.map(caretakerText).join('、')))))),
      h('p', { class: 'muted' }, t('care.printed', { date: new Date().toLocaleDateString(lang()) })));
  }

  const filters = h('form', { class: 'search stack no-print', role: 'search', onsubmit: (ev) => { ev.preventDefault(); load(); } },
    h('div', { class: 'field' }, h('label', { for: tagSel.id }, t('care.tag')), tagSel),
    grids.length > 0 && h('div', { class: 'field' }, h('label', { for: gridSel.id }, t('care.grid')), gridSel),
    buildings.length > 0 && h('div', { class: 'field' }, h('label', { for: buildingSel.id }, t('care.building')), buildingSel),
    h('button', { type: 'submit', class: 'primary', dataset: { testid: 'care-filter-go' } }, t('care.filter')),
    h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('care.print')));

  const section = h('section', { class: 'care-page', dataset: { testid: 'care-page' } },
    h('h1', null, t('care.title')),
    community.name && h('p', { class: 'muted' }, `${community.street_name} · ${community.name}`),
    h('p', { class: 'hint no-print' }, t('care.intro')),
    tagsData.can_edit && h('p', { class: 'no-print' }, h('a', { href: `#/communities/${id}/care/tags`, dataset: { testid: 'care-tags-link' } }, t('care.catalogue'))),
    filters, summary, cards, table);
  await load();
  return section;
}

/* #/communities/:id/care/residents/:rid */
export async function careResidentView(ctx) {
  const [id, rid] = ctx.params;
  const box = h('div');
  const section = h('section', { class: 'care-page', dataset: { testid: 'care-resident-page' } },
    h('p', { class: 'no-print' }, h('a', { href: `#/communities/${id}/care` }, `← ${t('care.back')}`)),
    box);
  await renderResidentCare(box, id, rid);
  return section;
}

/*
 * A resident's care tags and caretakers, with add / change / remove controls
 * when the server says the caller may edit. Draws into container (replacing
 * what is there) and redraws itself after each change. For the residents
 * page too: renderResidentCare(el, communityId, residentId).
 */
export async function renderResidentCare(container, communityId, residentId) {
  const base = `/api/communities/${communityId}`;
  const url = `${base}/residents/${residentId}/care`;
  const error = h('p', { class: 'error', role: 'alert', dataset: { testid: 'care-error' } });
  const status = h('p', { class: 'ok', role: 'status' });
  let catalogue = null;
  let candidates = null;

  async function act(fn, done) {
    error.textContent = '';
    try {
      await fn();
      await draw();
      status.textContent = done;
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  async function draw() {
    const data = await get(url);
    if (data.can_edit && !catalogue) {
      [catalogue, candidates] = await Promise.all([
        get(`${base}/care/tags`).then((r) => r.tags || []),
        get(`${base}/care/caretakers`).then((r) => r.users || []).catch(() => []),
      ]);
    }
    const r = data.resident;
    const parts = [
      h('h2', { dataset: { testid: 'care-resident-name' } }, r.name,
        r.birth_date && h('span', { class: 'muted' }, ` ${r.birth_date}`)),
      data.hidden && h('p', { class: 'hint' }, t('care.hidden_note')),
      h('h3', null, t('care.tags')),
      data.tags.length === 0
        ? h('p', { class: 'muted' }, t('care.no_tags'))
        : h('ul', { class: 'care-rtags', dataset: { testid: 'care-rtags' } }, data.tags.map((tg) => h('li', null,
          tagChip(tg),
          tg.since && h('span', { class: 'muted' }, ` ${t('care.since', { date: tg.since })}`),
          tg.note && h('p', { class: 'muted' }, tg.note),
          data.can_edit && h('button', {
            type: 'button', class: 'secondary', dataset: { testid: 'care-rtag-remove' },
            onclick: () => { if (window.confirm(t('care.confirm_remove'))) act(() => del(`${url}/tags/${tg.id}`), t('care.removed')); },
          }, t('care.remove'))))),
      h('h3', null, t('care.caretakers')),
      data.caretakers.length === 0
        ? h('p', { class: 'care-alert' }, t('care.unassigned'))
        : h('ul', { dataset: { testid: 'care-caretakers' } }, data.caretakers.map((c) => h('li', null,
          h('strong', null, t(`care.role.${c.role}`)), ' ', caretakerText(c),
          c.since && h('span', { class: 'muted' }, ` ${t('care.since', { date: c.since })}`),
          data.can_edit && h('button', {
            type: 'button', class: 'secondary', dataset: { testid: 'care-caretaker-remove' },
            onclick: () => act(() => del(`${url}/caretakers/${c.id}`), t('care.removed')),
          }, t('care.remove'))))),
    ];
    if (data.can_edit) parts.push(addTagForm(), addCaretakerForm(data));
    container.replaceChildren(...parts.filter(Boolean), error, status);
  }

  function field(label, input, hint) {
    input.id = input.id || uid('care-f');
    return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint && h('p', { class: 'hint' }, hint));
  }

  function addTagForm() {
    const usable = catalogue.filter((tg) => !tg.retired);
    const tagSel = h('select', { dataset: { testid: 'care-add-tag' } },
      usable.map((tg) => h('option', { value: tg.code }, tagName(tg) + (tg.sensitive ? ` (${t('care.sensitive')})` : ''))));
    const text = h('input', { type: 'text', maxlength: 100, dataset: { testid: 'care-add-detail' } });
    const cat = h('select', { dataset: { testid: 'care-add-category' } }, CATEGORIES.map((c) => h('option', { value: c }, t(`care.cat.${c}`))));
    const grade = h('select', { dataset: { testid: 'care-add-grade' } }, GRADES.map((g) => h('option', { value: String(g) }, t(`care.grade.${g}`))));
    const note = h('input', { type: 'text', maxlength: 500, dataset: { testid: 'care-add-note' } });
    const since = h('input', { type: 'text', maxlength: 10, inputmode: 'numeric', placeholder: '2026-01-01', dataset: { testid: 'care-add-since' } });
    const textRow = field(t('care.detail'), text);
    const disRow = h('div', null, field(t('care.category'), cat), field(t('care.grade'), grade));
    function kind() {
      const tg = usable.find((x) => x.code === tagSel.value);
      const k = tg ? tg.detail : 'none';
      textRow.hidden = k !== 'text';
      disRow.hidden = k !== 'disability';
      return k;
    }
    tagSel.addEventListener('change', kind);
    kind();
    return h('details', { class: 'form-card no-print', dataset: { testid: 'care-add-tag-form' } },
      h('summary', null, t('care.add_tag')),
      h('form', {
        class: 'stack', novalidate: true,
        onsubmit: (ev) => {
          ev.preventDefault();
          const body = { tag: tagSel.value };
          const k = kind();
          if (k === 'text' && text.value.trim()) body.detail = text.value.trim();
          if (k === 'disability') body.detail = { category: cat.value, grade: Number(grade.value) };
          if (note.value.trim()) body.note = note.value.trim();
          if (since.value.trim()) body.since = since.value.trim();
          act(() => post(`${url}/tags`, body), t('care.added'));
        },
      },
      field(t('care.tag'), tagSel), textRow, disRow, field(t('care.note'), note), field(t('care.since_label'), since, t('orgs.date_hint')),
      h('button', { type: 'submit', class: 'primary', dataset: { testid: 'care-add-tag-submit' } }, t('care.add_tag'))));
  }

  function addCaretakerForm(data) {
    const hasPrimary = data.caretakers.some((c) => c.role === 'primary');
    const role = h('select', { dataset: { testid: 'care-ct-role' } },
      ['primary', 'backup'].map((r) => h('option', { value: r, selected: r === (hasPrimary ? 'backup' : 'primary') }, t(`care.role.${r}`))));
    const who = h('select', { dataset: { testid: 'care-ct-user' } },
      h('option', { value: '' }, t('care.pick_user')),
      candidates.map((u) => h('option', { value: String(u.id) }, `${u.display_name}（${u.roles.map((x) => t(`care.user_role.${x}`)).join('、')}）`)));
    const q = h('input', { type: 'search', maxlength: 50, dataset: { testid: 'care-ct-q' } });
    const found = h('select', { dataset: { testid: 'care-ct-resident' } }, h('option', { value: '' }, t('care.pick_resident')));
    const relation = h('input', { type: 'text', maxlength: 20, dataset: { testid: 'care-ct-relation' } });
    async function search() {
      error.textContent = '';
      try {
        const r = await get(`${base}/residents?q=${encodeURIComponent(q.value.trim())}&limit=20`);
        found.replaceChildren(h('option', { value: '' }, t('care.pick_resident')),
          (r.residents || []).filter((x) => String(x.id) !== String(residentId))
            .map((x) => h('option', { value: String(x.id) }, `${x.name}${x.birth_date ? ` ${x.birth_date.slice(0, 4)}` : ''}`)));
      } catch (err) {
        error.textContent = errorText(err);
      }
    }
    return h('details', { class: 'form-card no-print', dataset: { testid: 'care-add-ct-form' } },
      h('summary', null, t('care.add_caretaker')),
      h('form', {
        class: 'stack', novalidate: true,
        onsubmit: (ev) => {
          ev.preventDefault();
          const body = { role: role.value };
          if (who.value) body.user_id = Number(who.value);
          else if (found.value) body.resident_id = Number(found.value);
          if (relation.value.trim()) body.relation = relation.value.trim();
          act(() => post(`${url}/caretakers`, body), t('care.added'));
        },
      },
      field(t('care.role'), role),
      field(t('care.caretaker_user'), who),
      field(t('care.caretaker_resident'), q),
      h('button', { type: 'button', class: 'secondary', onclick: search, dataset: { testid: 'care-ct-search' } }, t('care.search')),
      field(t('care.pick_resident'), found),
      field(t('care.relation'), relation),
      h('button', { type: 'submit', class: 'primary', dataset: { testid: 'care-add-ct-submit' } }, t('care.add_caretaker'))));
  }

  await draw();
}

/* #/communities/:id/care/tags: the catalogue, editable by workers. */
export async function careTagsView(ctx) {
  const [id] = ctx.params;
  const url = `/api/communities/${id}/care/tags`;
  const error = h('p', { class: 'error', role: 'alert', dataset: { testid: 'care-tags-error' } });
  const status = h('p', { class: 'ok', role: 'status' });
  const body = h('ul', { class: 'cards care-tag-cards' });
  const put = (b) => request('PUT', url, b);

  async function act(fn, done) {
    error.textContent = '';
    try {
      await fn();
      await draw();
      status.textContent = done;
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  /* One tag as a card of labelled inputs: a phone has no room for a wide table. */
  function row(tg) {
    const input = (type, attrs) => h('input', { type, id: uid('care-tag'), ...attrs });
    const zh = input('text', { maxlength: 20, value: tg.name_zh });
    const en = input('text', { maxlength: 50, value: tg.name_en });
    const pr = input('number', { min: 1, max: 100, value: String(tg.priority), inputmode: 'numeric' });
    const sens = input('checkbox', {});
    sens.checked = tg.sensitive;
    const ret = input('checkbox', {});
    ret.checked = tg.retired;
    const labelled = (key, el) => h('div', { class: 'field' }, h('label', { for: el.id }, t(key)), el);
    const check = (key, el) => h('div', { class: 'field care-check' }, el, h('label', { for: el.id }, t(key)));
    return h('li', { class: `card${tg.retired ? ' care-retired' : ''}`, dataset: { testid: 'care-tag-row', code: tg.code } },
      h('h3', null, h('span', { class: `care-tag${tg.sensitive ? ' sensitive' : ''}` }, tagName(tg)), h('code', { class: 'muted' }, ` ${tg.code}`)),
      h('p', { class: 'muted' }, `${t('care.detail_kind')}：${t(`care.kind.${tg.detail}`)} · ${t('care.in_use')}：${formatInt(tg.in_use)}`),
      labelled('care.name_zh', zh), labelled('care.name_en', en), labelled('care.priority', pr),
      check('care.sensitive', sens), check('care.retired', ret),
      h('div', { class: 'care-actions' },
        h('button', {
          type: 'button', class: 'primary', dataset: { testid: 'care-tag-save' },
          onclick: () => act(() => put({ code: tg.code, name_zh: zh.value.trim(), name_en: en.value.trim(), priority: Number(pr.value), sensitive: sens.checked, retired: ret.checked }), t('care.saved')),
        }, t('care.save')),
        tg.in_use === 0 && h('button', {
          type: 'button', class: 'secondary', dataset: { testid: 'care-tag-delete' },
          onclick: () => { if (window.confirm(t('care.confirm_remove'))) act(() => del(`${url}?code=${encodeURIComponent(tg.code)}`), t('care.removed')); },
        }, t('care.delete'))));
  }

  async function draw() {
    const data = await get(url);
    body.replaceChildren(...(data.tags || []).map(row));
  }

  const code = h('input', { type: 'text', maxlength: 32, pattern: '[a-z0-9_]+', dataset: { testid: 'care-new-code' } });
  const zh = h('input', { type: 'text', maxlength: 20, dataset: { testid: 'care-new-zh' } });
  const en = h('input', { type: 'text', maxlength: 50, dataset: { testid: 'care-new-en' } });
  const pr = h('input', { type: 'number', min: 1, max: 100, value: '50', dataset: { testid: 'care-new-priority' } });
  const sens = h('input', { type: 'checkbox', dataset: { testid: 'care-new-sensitive' } });
  const kind = h('select', { dataset: { testid: 'care-new-kind' } }, DETAIL_KINDS.map((k) => h('option', { value: k }, t(`care.kind.${k}`))));
  const f = (label, input, hint) => {
    input.id = uid('care-new');
    return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint && h('p', { class: 'hint' }, hint));
  };
  const addForm = h('details', { class: 'form-card', dataset: { testid: 'care-new-tag-form' } },
    h('summary', null, t('care.new_tag')),
    h('form', {
      class: 'stack', novalidate: true,
      onsubmit: (ev) => {
        ev.preventDefault();
        act(() => put({ code: code.value.trim(), name_zh: zh.value.trim(), name_en: en.value.trim(), priority: Number(pr.value), sensitive: sens.checked, detail: kind.value }), t('care.added'));
      },
    },
    f(t('care.code'), code, t('care.code_hint')), f(t('care.name_zh'), zh), f(t('care.name_en'), en),
    f(t('care.priority'), pr, t('care.priority_hint')), f(t('care.sensitive'), sens, t('care.sensitive_hint')), f(t('care.detail_kind'), kind),
    h('button', { type: 'submit', class: 'primary', dataset: { testid: 'care-new-submit' } }, t('care.new_tag'))));

  await draw();
  return h('section', { class: 'care-page', dataset: { testid: 'care-tags-page' } },
    h('p', null, h('a', { href: `#/communities/${id}/care` }, `← ${t('care.back')}`)),
    h('h1', null, t('care.catalogue')),
    h('p', { class: 'hint' }, t('care.catalogue_intro')),
    body,
    error, status, addForm);
}

