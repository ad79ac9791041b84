/*
 * Emergency response (应急响应): activations, the live view, the report.
 *
 *   #/emergency                               pick a community (skipped when there is one)
 *   #/communities/{id}/emergency              activations; declare one (workers); door cards per building
 *   #/communities/{id}/emergency/{a}          the live view: the vulnerable not yet reached at the
 *                                             top, overdue follow-ups, help requests, counts, and each
 *                                             building as a floors × rooms grid coloured by status;
 *                                             tap a dwelling to mark it (lead, phone call, worker)
 *   #/communities/{id}/emergency/{a}/report   the report: timeline, channels, time to reach, CSV
 *
 * The live view refreshes itself every 10 seconds and when the window gets
 * focus, and says when it last did; it stops once the page is left.  As in
 * coverage.js, colour is never the only cue: each cell carries a mark
 * (安, 助, 外, 无, ·) and its accessible name says the room and the status.
 */

import { h, uid } from '../dom.js';
import { t, formatInt } from '../i18n.js';
import { get, post, request, download, errorText } from '../api.js';
import { NEEDS } from './checkin_public.js';
import { memberCommunities } from './rounds.js';

export const STATUSES = ['unknown', 'safe', 'needs_help', 'away', 'no_answer'];
const HAZARDS = ['fire', 'flood', 'typhoon', 'earthquake', 'heat', 'cold', 'gas_leak', 'power_outage', 'epidemic', 'other'];
const REFRESH_MS = 10_000;

const statusName = (s) => t(`em.status.${s}`);
const mark = (s) => t(`em.short.${s}`);
const clock = (sec) => (sec == null ? '—' : new Date(sec * 1000).toLocaleTimeString(document.documentElement.lang || 'zh-CN'));
const when = (sec) => (sec == null ? '—' : new Date(sec * 1000).toLocaleString(document.documentElement.lang || 'zh-CN'));
const minutes = (s) => (s == null ? '—' : t('em.minutes', { n: formatInt(Math.ceil(s / 60)) }));

function legend() {
  return h('ul', { class: 'visit-legend', 'aria-label': t('em.legend') },
    STATUSES.map((s) => h('li', null,
      h('span', { class: `visit-mark em-${s}`, 'aria-hidden': 'true' }, mark(s)), ` ${statusName(s)}`)));
}

function countsLine(c) {
  return STATUSES.filter((s) => s !== 'unknown').map((s) => `${statusName(s)} ${formatInt(c[s])}`).join(' · ');
}

/* ---- #/emergency ---------------------------------------------------------- */

export async function emergencyIndexView(ctx) {
  const list = await memberCommunities(ctx.user);
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/emergency`);
    return emergencyListView({ ...ctx, params: [list[0].id] });
  }
  return h('section', null,
    h('h1', { tabindex: -1 }, t('em.title')),
    h('ul', { class: 'plain' }, list.map((c) => h('li', null,
      h('a', { href: `#/communities/${c.id}/emergency` }, c.name || `#${c.id}`)))));
}

/* ---- #/communities/{id}/emergency ------------------------------------------ */

export async function emergencyListView(ctx) {
  const cid = ctx.params[0];
  const data = await get(`/api/communities/${cid}/activations`);
  const tree = data.can_manage ? await get(`/api/communities/${cid}`).catch(() => null) : null;
  const buildings = tree ? (tree.compounds || []).flatMap((p) => (p.buildings || []).map((b) => ({ ...b, compound: p.name }))) : [];
  const section = h('section', { class: 'em-page', dataset: { testid: 'em-list' } },
    h('h1', { tabindex: -1 }, t('em.title')));

  const acts = data.activations || [];
  const target = (a) => (data.followups_only ? `#/communities/${cid}/emergency/${a.id}/mine` : `#/communities/${cid}/emergency/${a.id}`);
  section.append(h('h2', null, t('em.activations')),
    acts.length === 0 ? h('p', { class: 'muted' }, t('em.none'))
      : h('ul', { class: 'plain em-acts' }, acts.map((a) => h('li', null,
        h('a', { href: target(a), dataset: { testid: 'em-act' } }, a.title),
        ` · ${t(`em.hazard.${a.hazard}`)} · ${t(`em.state.${a.status}`)} · ${when(a.declared_at)} · `,
        t('em.reached_of', { reached: formatInt(a.reached), households: formatInt(a.households) })))));

  if (data.can_manage) section.append(declareForm(ctx, cid, buildings));
  if (data.can_manage && buildings.length) {
    section.append(h('h2', null, t('em.cards')), h('p', { class: 'muted' }, t('em.cards.intro')),
      h('ul', { class: 'plain' }, buildings.map((b) => h('li', null,
        h('a', { href: `#/communities/${cid}/buildings/${b.id}/door-cards`, dataset: { testid: 'em-cards-link' } },
          `${b.compound} ${b.name}`)))));
  }
  return section;
}

function declareForm(ctx, cid, buildings) {
  const ids = { hazard: uid('hz'), title: uid('tt'), esc: uid('esc') };
  const errBox = h('p', { class: 'error', role: 'alert' });
  const hazard = h('select', { id: ids.hazard, dataset: { testid: 'em-hazard' } },
    HAZARDS.map((z) => h('option', { value: z }, t(`em.hazard.${z}`))));
  const title = h('input', { id: ids.title, type: 'text', maxlength: 100, required: true, dataset: { testid: 'em-title' } });
  const esc = h('input', { id: ids.esc, type: 'number', min: 1, max: 1440, value: 30 });
  const whole = h('input', { type: 'radio', name: 'em-scope', value: 'community', checked: true, dataset: { testid: 'em-scope-community' } });
  const some = h('input', { type: 'radio', name: 'em-scope', value: 'buildings', dataset: { testid: 'em-scope-buildings' } });
  const boxes = buildings.map((b) => h('label', { class: 'em-bld' },
    h('input', { type: 'checkbox', value: b.id, dataset: { testid: 'em-building', name: b.name } }), ` ${b.compound} ${b.name}`));
  const form = h('form', {
    class: 'stack form-card',
    onsubmit: async (ev) => {
      ev.preventDefault();
      errBox.textContent = '';
      const body = { hazard: hazard.value, title: title.value.trim(), scope: some.checked ? 'buildings' : 'community',
        escalate_minutes: Number(esc.value) || 30 };
      if (some.checked) body.buildings = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => Number(i.value));
      try {
        const r = await post(`/api/communities/${cid}/activations`, body);
        ctx.navigate(`/communities/${cid}/emergency/${r.id}`);
      } catch (err) {
        errBox.textContent = errorText(err);
      }
    },
  },
  h('h2', null, t('em.declare')),
  h('div', { class: 'field' }, h('label', { for: ids.hazard }, t('em.hazard')), hazard),
  h('div', { class: 'field' }, h('label', { for: ids.title }, t('em.act_title')), title),
  h('fieldset', null, h('legend', null, t('em.scope')),
    h('label', null, whole, ` ${t('em.scope.community')}`), ' ',
    h('label', null, some, ` ${t('em.scope.buildings')}`),
    h('div', { class: 'em-blds' }, boxes)),
  h('div', { class: 'field' }, h('label', { for: ids.esc }, t('em.escalate')), esc),
  errBox,
  h('button', { type: 'submit', class: 'primary', dataset: { testid: 'em-declare' } }, t('em.declare.go')));
  return form;
}

/* ---- #/communities/{id}/emergency/{a} ------------------------------------- */

export async function emergencyLiveView(ctx) {
  const [cid, aid] = ctx.params;
  const base = `/api/communities/${cid}/activations/${aid}`;
  const section = h('section', { class: 'em-page em-live', dataset: { testid: 'em-live' } });
  const body = h('div');
  const panel = h('div', { class: 'em-panel' });
  const stamp = h('p', { class: 'muted em-stamp', role: 'status', dataset: { testid: 'em-refreshed' } });
  let live = await get(`${base}/live`);

  async function refresh() {
    if (!section.isConnected) return stop();
    try {
      live = await get(`${base}/live`);
      draw();
    } catch (err) {
      stamp.textContent = errorText(err);
    }
  }
  const timer = setInterval(refresh, REFRESH_MS);
  const onFocus = () => refresh();
  window.addEventListener('focus', onFocus);
  function stop() {
    clearInterval(timer);
    window.removeEventListener('focus', onFocus);
  }

  function draw() {
    const a = live.activation;
    stamp.textContent = t('em.refreshed', { time: clock(live.now) });
    const tot = live.totals;
    const top = [];
    if (live.vulnerable.length) {
      top.push(h('section', { class: 'em-alert', dataset: { testid: 'em-vulnerable' } },
        h('h2', null, t('em.vulnerable', { n: formatInt(live.vulnerable.length) })),
        h('ol', null, live.vulnerable.slice(0, 50).map((v) => h('li', null,
          h('strong', null, v.name), ` · ${v.tags} · `, labelOf(v.dwelling_id), ` · ${statusName(v.status)}`,
          v.caretaker ? ` · ${t('em.caretaker', { name: v.caretaker })}` : '')))));
    }
    const over = live.followups.filter((f) => f.overdue);
    if (over.length) {
      top.push(h('section', { class: 'em-alert', dataset: { testid: 'em-overdue' } },
        h('h2', null, t('em.overdue', { n: formatInt(over.length) })),
        h('ul', null, over.map((f) => h('li', null, `${f.label} · ${f.assignee_name} · ${when(f.created_at)}`)))));
    }
    if (live.requests.length) {
      top.push(h('section', { class: 'em-requests', dataset: { testid: 'em-requests' } },
        h('h2', null, t('em.requests', { n: formatInt(live.requests.length) })),
        h('ul', null, live.requests.map((q) => requestItem(q)))));
    }
    body.replaceChildren(...[
      ...top,
      h('p', { class: 'em-totals', dataset: { testid: 'em-totals' } },
        t('em.reached_of', { reached: formatInt(tot.reached), households: formatInt(tot.households) }), ' · ', countsLine(tot)),
      live.grids.length > 1 ? h('ul', { class: 'plain' }, live.grids.map((g) => h('li', null,
        `${g.name || t('em.no_grid')}: ${t('em.reached_of', { reached: formatInt(g.reached), households: formatInt(g.households) })}`))) : null,
      legend(),
      ...live.buildings.map((b) => buildingGrid(b))].filter(Boolean));
    title.textContent = a.title;
    meta.textContent = `${t(`em.hazard.${a.hazard}`)} · ${t(`em.state.${a.status}`)} · ${when(a.declared_at)}`;
  }

  function labelOf(dwelling) {
    for (const b of live.buildings) for (const f of b.floors) for (const d of f.dwellings)
      if (d.id === dwelling) return `${b.name} ${d.unit} ${d.room}`;
    return `#${dwelling}`;
  }

  function requestItem(q) {
    const btns = [];
    if (q.status === 'open') {
      btns.push(h('button', { type: 'button', class: 'secondary', onclick: async () => {
        const what = window.prompt(t('em.match.prompt'));
        if (!what) return;
        try { await request('PATCH', `${base}/requests/${q.id}`, { status: 'matched', matched_to: what }); refresh(); } catch (err) { ctx.showError(err); }
      } }, t('em.match')));
    }
    btns.push(h('button', { type: 'button', class: 'secondary', onclick: async () => {
      try { await request('PATCH', `${base}/requests/${q.id}`, { status: 'closed' }); refresh(); } catch (err) { ctx.showError(err); }
    } }, t('em.close_request')));
    return h('li', { class: q.overdue ? 'em-overdue' : null },
      `${labelOf(q.dwelling_id)} · ${q.needs.map((n) => t(`em.need.${n}`)).join('、')}`,
      q.note ? ` · ${q.note}` : '', ` · ${t(`em.req.${q.status}`)}`, q.matched_to ? ` → ${q.matched_to}` : '', ' ', btns);
  }

  function buildingGrid(b) {
    const cols = Math.max(0, ...b.floors.map((f) => f.dwellings.length));
    const widest = b.floors.find((f) => f.dwellings.length === cols);
    const headId = uid('em-b');
    const table = h('table', { class: 'rooms visit-grid em-grid', dataset: { testid: 'em-grid', building: b.id } },
      h('caption', { class: 'visually-hidden' }, b.name),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('em.floor')),
        Array.from({ length: cols }, (_, i) => h('th', { scope: 'col' }, widest ? widest.dwellings[i].unit : '')))),
      h('tbody', null, b.floors.map((f) => h('tr', null,
        h('th', { scope: 'row' }, f.floor < 0 ? `B${-f.floor}` : String(f.floor)),
        Array.from({ length: cols }, (_, i) => {
          const d = f.dwellings[i];
          if (!d) return h('td', { class: 'vacant' });
          if (!d.occupied && d.status === 'unknown') return h('td', { class: 'vacant' }, h('span', { class: 'room-no muted' }, d.room));
          return h('td', { class: `em-${d.status}` },
            h('button', {
              type: 'button', class: 'visit-cell',
              dataset: { testid: 'em-cell', room: d.room, status: d.status, dwelling: d.id },
              'aria-label': t('em.cell', { room: `${d.unit} ${d.room}`, status: statusName(d.status) }),
              onclick: () => openMark(b, d),
            }, h('span', { class: 'room-no' }, d.room), h('span', { class: 'visit-mark', 'aria-hidden': 'true' }, mark(d.status))));
        })))));
    return h('section', { class: 'unit', 'aria-labelledby': headId },
      h('h2', { id: headId }, `${b.name} · `, h('span', { class: 'muted' },
        t('em.reached_of', { reached: formatInt(b.counts.reached), households: formatInt(b.counts.households) }))),
      h('div', { class: 'scroll-x', role: 'region', tabindex: 0, 'aria-label': b.name }, table));
  }

  function openMark(b, d) {
    const headId = uid('em-m');
    const errBox = h('p', { class: 'error', role: 'alert' });
    let chosen = '';
    const needBoxes = NEEDS.map((k) => h('label', { class: 'safe-need' },
      h('input', { type: 'checkbox', value: k }), ` ${t(`em.need.${k}`)}`));
    const needsSet = h('fieldset', { hidden: true }, h('legend', null, t('safe.what_help')), needBoxes);
    const buttons = STATUSES.filter((s) => s !== 'unknown').map((s) => h('button', {
      type: 'button', class: `secondary em-${s}`, 'aria-pressed': 'false', dataset: { testid: `em-mark-${s}` },
      onclick: (ev) => {
        chosen = s;
        for (const x of buttons) x.setAttribute('aria-pressed', String(x === ev.currentTarget));
        needsSet.hidden = s !== 'needs_help';
      },
    }, h('span', { class: 'visit-mark', 'aria-hidden': 'true' }, mark(s)), ` ${statusName(s)}`));
    const channel = h('select', null, ['phone', 'lead', 'worker'].map((c) => h('option', { value: c }, t(`em.channel.${c}`))));
    channel.value = live.lead_only ? 'lead' : 'phone';
    const noteId = uid('em-note');
    const note = h('textarea', { id: noteId, maxlength: 200, rows: 2 });
    const history = h('ol', { class: 'visit-history' });
    const form = h('form', {
      class: 'stack form-card',
      'aria-labelledby': headId,
      onsubmit: async (ev) => {
        ev.preventDefault();
        if (!chosen) { errBox.textContent = t('em.choose'); return; }
        const body = { status: chosen, channel: channel.value };
        if (chosen === 'needs_help') body.needs = needBoxes.map((x) => x.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
        if (note.value.trim()) body.note = note.value.trim();
        try {
          await post(`${base}/households/${d.id}`, body);
          panel.replaceChildren();
          ctx.showNotice(t('em.saved', { room: d.room, status: statusName(chosen) }));
          refresh();
        } catch (err) {
          errBox.textContent = errorText(err);
        }
      },
    },
    h('h2', { id: headId, tabindex: -1 }, `${b.name} ${d.unit} ${d.room}`),
    h('div', { class: 'buttons visit-outcomes', role: 'group', 'aria-label': t('em.status') }, buttons),
    needsSet,
    h('div', { class: 'field' }, h('label', null, t('em.channel'), ' ', channel)),
    h('div', { class: 'field' }, h('label', { for: noteId }, t('safe.note')), note),
    errBox,
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', dataset: { testid: 'em-mark-save' } }, t('em.save')),
      h('button', { type: 'button', class: 'secondary', onclick: () => panel.replaceChildren() }, t('em.cancel'))),
    h('h3', null, t('em.history')), history,
    followupBox(d));
    panel.replaceChildren(form);
    form.querySelector('h2').focus();
    get(`${base}/households/${d.id}`).then((r) => history.replaceChildren(...(r.events.length === 0
      ? [h('li', { class: 'muted' }, t('em.no_history'))]
      : r.events.map((e) => h('li', null, `${clock(e.at)} · ${statusName(e.status)} · ${t(`em.channel.${e.channel}`)}`,
        e.user_name ? ` · ${e.user_name}` : ''))))).catch((err) => ctx.showError(err));
  }

  /* Assign a follow-up visit to a volunteer or building lead (those who may
     be caretakers; the list is for workers, so others do not see this). */
  let candidates = null;
  function followupBox(d) {
    const box = h('div', { class: 'stack em-followup' });
    const load = candidates || get(`/api/communities/${cid}/care/caretakers`, { quiet401: true })
      .then((r) => (r.users || []).filter((u) => (u.roles || []).some((x) => x === 'volunteer' || x === 'lead')))
      .catch(() => []);
    candidates = load;
    load.then((users) => {
      if (!users.length) return;
      const sel = h('select', { dataset: { testid: 'em-fu-assignee' } }, users.map((u) => h('option', { value: u.id }, u.display_name || u.username)));
      const err = h('p', { class: 'error', role: 'alert' });
      box.append(h('h3', null, t('em.fu.assign')),
        h('label', null, t('em.fu.who'), ' ', sel),
        h('button', { type: 'button', class: 'secondary', dataset: { testid: 'em-fu-add' }, onclick: async () => {
          try {
            await post(`${base}/followups`, { dwelling_id: d.id, assignee: Number(sel.value) });
            ctx.showNotice(t('em.fu.added', { room: d.room }));
            refresh();
          } catch (e2) { err.textContent = errorText(e2); }
        } }, t('em.fu.add')), err);
    });
    return box;
  }

  const title = h('h1', { tabindex: -1 });
  const meta = h('p', { class: 'muted' });
  const actions = h('div', { class: 'buttons no-print' });
  if (live.can_manage && live.activation.status === 'open') {
    actions.append(
      h('button', { type: 'button', class: 'secondary', dataset: { testid: 'em-broadcast' }, onclick: async () => {
        try { await post(`${base}/broadcast`, {}); ctx.showNotice(t('em.broadcast.done')); } catch (err) { ctx.showError(err); }
      } }, t('em.broadcast')),
      h('button', { type: 'button', class: 'secondary', dataset: { testid: 'em-close' }, onclick: async () => {
        if (!window.confirm(t('em.close.confirm'))) return;
        try { await post(`${base}/close`, {}); ctx.navigate(`/communities/${cid}/emergency/${aid}/report`); } catch (err) { ctx.showError(err); }
      } }, t('em.close')));
  }
  if (!live.lead_only) actions.append(h('a', { href: `#/communities/${cid}/emergency/${aid}/report` }, t('em.report')));
  section.append(title, meta, stamp, actions, panel, body);
  draw();
  return section;
}

/* ---- #/communities/{id}/emergency/{a}/mine: a volunteer's follow-ups -------- */

export async function emergencyMineView(ctx) {
  const [cid, aid] = ctx.params;
  const base = `/api/communities/${cid}/activations/${aid}`;
  const r = await get(`${base}/followups`);
  const list = r.followups || [];
  return h('section', { class: 'em-page', dataset: { testid: 'em-mine' } },
    h('h1', { tabindex: -1 }, t('em.fu.title')),
    list.length === 0 ? h('p', { class: 'muted' }, t('em.fu.none'))
      : h('ul', { class: 'plain' }, list.map((f) => h('li', { class: f.overdue ? 'em-overdue' : null },
        `${f.label} · ${when(f.created_at)}`, f.note ? ` · ${f.note}` : '', ' ',
        f.done_at ? h('span', { class: 'muted' }, t('em.fu.done_at', { time: when(f.done_at) }))
          : h('button', { type: 'button', class: 'secondary', dataset: { testid: 'em-fu-done' }, onclick: async () => {
            try { await request('PATCH', `${base}/followups/${f.id}`, { done: true }); ctx.refresh(); } catch (err) { ctx.showError(err); }
          } }, t('em.fu.done'))))));
}

/* ---- #/communities/{id}/emergency/{a}/report ------------------------------- */

export async function emergencyReportView(ctx) {
  const [cid, aid] = ctx.params;
  const base = `/api/communities/${cid}/activations/${aid}`;
  const r = await get(`${base}/report`);
  const a = r.activation;
  const tl = r.timeline;
  const csv = h('button', { type: 'button', class: 'secondary no-print', onclick: async () => {
    try {
      const blob = await download(`${base}/report.csv`);
      const link = h('a', { href: URL.createObjectURL(blob), download: `emergency-${aid}.csv` });
      document.body.append(link);
      link.click();
      link.remove();
    } catch (err) { ctx.showError(err); }
  } }, t('em.csv'));
  return h('section', { class: 'em-page em-report', dataset: { testid: 'em-report' } },
    h('h1', { tabindex: -1 }, t('em.report.title', { title: a.title })),
    h('p', { class: 'muted' }, `${r.community} · ${t(`em.hazard.${a.hazard}`)} · ${t(`em.state.${a.status}`)}`),
    h('div', { class: 'buttons no-print' },
      h('button', { type: 'button', class: 'primary', onclick: () => window.print() }, t('em.print')), csv,
      h('a', { href: `#/communities/${cid}/emergency/${aid}` }, t('em.back_live'))),
    h('h2', null, t('em.timeline')),
    h('dl', { class: 'em-dl' },
      ['declared_at', 'broadcast_at', 'first_checkin', 'last_checkin', 'closed_at'].flatMap((k) => [
        h('dt', null, t(`em.tl.${k}`)), h('dd', null, when(tl[k]))])),
    h('h2', null, t('em.summary')),
    h('p', { dataset: { testid: 'em-report-reached' } },
      t('em.reached_of', { reached: formatInt(r.reached), households: formatInt(r.households) }), ' · ',
      t('em.ttr', { median: minutes(r.time_to_reach.median), p90: minutes(r.time_to_reach.p90), max: minutes(r.time_to_reach.max) })),
    h('table', { class: 'em-table' },
      h('thead', null, h('tr', null, h('th', null, t('em.channel')), h('th', null, t('em.by_channel')), h('th', null, t('em.events')))),
      h('tbody', null, Object.keys(r.by_channel).map((c) => h('tr', null,
        h('td', null, t(`em.channel.${c}`)), h('td', null, formatInt(r.by_channel[c])), h('td', null, formatInt(r.events_by_channel[c])))))),
    h('p', null, STATUSES.map((s) => `${statusName(s)} ${formatInt(r.by_status[s])}`).join(' · ')),
    h('h2', null, t('em.open_requests', { n: formatInt(r.open_requests.length) })),
    h('ul', null, r.open_requests.map((q) => h('li', null,
      `#${q.dwelling_id} · ${q.needs.map((n) => t(`em.need.${n}`)).join('、')} · ${t(`em.req.${q.status}`)}`))),
    h('h2', null, t('em.households')),
    h('table', { class: 'em-table' },
      h('thead', null, h('tr', null, ['em.col.room', 'em.status', 'em.col.channel', 'em.col.time'].map((k) => h('th', null, t(k))))),
      h('tbody', null, r.rows.map((row) => h('tr', null,
        h('td', null, row.label), h('td', { class: `em-${row.status}` }, statusName(row.status)),
        h('td', null, row.reached_channel ? t(`em.channel.${row.reached_channel}`) : '—'),
        h('td', null, minutes(row.seconds_to_reach)))))));
}
