/*
 * One scene (新场景): GET /api/communities/{id}/scenes/{scene}, with its
 * incidents and the script review.
 *
 * Top to bottom, the way a volunteer on the post reads it on a phone: the
 * scripts (话术) first, grouped by tag, in large type (situation, what to
 * say, what not to say); then the posts with their time bands, checklists
 * and next shifts (each opens the shift's checklist to tick); equipment;
 * the incident log with the form to record one (field staff); the figures;
 * and the script review, the scripts that fail in practice at the top.
 * Those who design the scene get the editing controls in place. Every change
 * reloads from the server and redraws, so what is shown is what is stored.
 *
 * Also here: the printable post handbook (岗位手册: checklist, scripts,
 * equipment on A4) and the checklist of one shift.
 */

import { h } from '../dom.js';
import { t, lang, formatInt } from '../i18n.js';
import { get, post, del, request, errorText } from '../api.js';
import { FieldError } from './parts.js';
import { crumb, form, formCardOf, needText } from './rounds.js';
import { bi } from './scenes.js';

export const INCIDENT_TYPES = ['refused_registration', 'delivery', 'visitor', 'elderly_help', 'argument', 'medical', 'other'];
export const OUTCOMES = ['resolved', 'escalated', 'unresolved'];
const put = (path, body) => request('PUT', path, body);
/* Element.append, skipping false and null and flattening arrays, as h() does. */
const add = (el, ...kids) => el.append(...kids.flat().filter((x) => x !== false && x !== null && x !== undefined));

const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const timeOf = (s) => (s ? new Date(Number(s) * 1000).toLocaleString(lang(), { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }) : '');
const minutesOf = (s) => {
  const m = /^\s*(\d{1,2})[:：](\d{2})\s*$/.exec(s || '');
  return m ? `${m[1].padStart(2, '0')}:${m[2]}` : null;
};

export function weekdaysText(mask) {
  if (mask === 127) return t('scene.days.every');
  if (mask === 31) return t('scene.days.workdays');
  if (mask === 96) return t('scene.days.weekend');
  const names = t('scene.days.names').split(',');
  return names.filter((_, i) => mask & (1 << i)).join(lang() === 'zh-CN' ? '、' : ', ');
}

export function bandText(b) {
  return t('scene.band', { days: weekdaysText(b.weekdays), start: hhmm(b.start), end: hhmm(b.end), n: formatInt(b.headcount) });
}

/* Splits "a,b，c" into tags. */
const tagsOf = (s) => (s || '').split(/[,，、]/).map((x) => x.trim()).filter(Boolean);

/* One script, readable on a phone in large type. */
export function scriptCard(s, extra) {
  return h('article', { class: 'script-card', id: `script-${s.id}`, dataset: { testid: 'script-card', script: s.id } },
    h('h3', null, s.title, s.revision > 1 && h('span', { class: 'muted' }, ` · ${t('scene.script.rev', { n: s.revision })}`)),
    h('p', { class: 'script-situation' }, h('strong', null, t('scene.script.situation')), ' ', s.situation),
    h('div', { class: 'script-say', dataset: { testid: 'script-say' } },
      h('p', { class: 'script-label' }, t('scene.script.say')), h('p', null, s.say)),
    s.avoid && h('div', { class: 'script-avoid' },
      h('p', { class: 'script-label' }, t('scene.script.avoid')), h('p', null, s.avoid)),
    tagsOf(s.tags).length > 0 && h('p', { class: 'script-tags' }, tagsOf(s.tags).map((x) => h('span', { class: 'badge' }, x))),
    extra);
}

export async function sceneView(ctx) {
  const [cid, sid] = ctx.params;
  const base = `/api/communities/${cid}`;
  const sbase = `${base}/scenes/${sid}`;
  const status = h('p', { class: 'ok', role: 'status', tabindex: -1, dataset: { testid: 'scene-status' } });
  const body = h('div');
  let sc; let inc; let review; let structure = null;

  async function load() {
    [sc, inc, review] = await Promise.all([get(sbase), get(`${sbase}/incidents`), get(`${sbase}/script-review`)]);
    /* The compounds and buildings to place the scene at: designers are
       staff, who may read the structure. */
    if (sc.can_manage && !structure) structure = await get(base).catch(() => null);
  }
  async function act(fn, okText) {
    try {
      await fn();
      await load();
      draw();
      status.textContent = okText || t('scene.saved');
    } catch (e) {
      status.textContent = errorText(e);
    }
  }

  function draw() {
    const manage = sc.can_manage;
    body.replaceChildren(
      h('h1', null, sc.name),
      h('p', { class: 'muted', dataset: { testid: 'scene-where' } }, [sc.location, sc.node_name, sc.status === 'closed' ? t('scene.closed') : ''].filter(Boolean).join(' · ')),
      manage && formCardOf(t('scene.edit'), 'scene-edit', editForm(), false),
      pointsSection(manage),
      h('nav', { class: 'scene-toc no-print' }, h('ul', { class: 'buttons' },
        ['scripts', 'posts', 'equipment', 'incidents', 'review'].map((k) =>
          h('li', null, h('a', { href: `#/communities/${cid}/scenes/${sid}`, dataset: { testid: `toc-${k}` }, onclick: (ev) => {
            ev.preventDefault();
            document.getElementById(`scene-${k}`).scrollIntoView();
          } }, t(`scene.${k}`)))))),
      scriptsSection(manage),
      postsSection(manage),
      equipmentSection(manage),
      incidentsSection(),
      reviewSection());
  }

  /* ---- the scene itself: name, where, points ---- */
  function editForm() {
    const nodes = [['', t('scene.node.none')]];
    for (const c of (structure && structure.compounds) || []) {
      nodes.push([`compound:${c.id}`, c.name]);
      for (const b of c.buildings || []) nodes.push([`building:${b.id}`, `${c.name} ${b.name}`]);
    }
    return form({
      testid: 'scene-edit-form',
      submitLabel: t('scene.edit_submit'),
      fields: [
        { name: 'name', label: t('scenes.f.name'), required: true, maxlength: 60, value: sc.name, reset: false },
        { name: 'location', label: t('scenes.f.location'), hint: t('scenes.f.location_hint'), maxlength: 200, value: sc.location, reset: false },
        { name: 'node', label: t('scene.node'), type: 'select', options: nodes, value: sc.node_kind ? `${sc.node_kind}:${sc.node_id}` : '' },
        { name: 'status', label: t('scene.status'), type: 'select', options: [['active', t('scene.active')], ['closed', t('scene.closed')]], value: sc.status },
      ],
      action: async (v) => {
        const [kind, id] = v.node ? v.node.split(':') : ['', ''];
        const b = { name: needText(v, 'name'), location: v.location.trim(), status: v.status, node_kind: kind };
        if (id) b.node_id = Number(id);
        await put(sbase, b);
        setTimeout(() => act(async () => {}), 0);
        return t('scene.saved');
      },
    });
  }

  function pointsSection(manage) {
    const sec = h('section', { class: 'scene-points', dataset: { testid: 'scene-points' } },
      h('h2', null, t('scene.points')),
      sc.points.length === 0 ? h('p', { class: 'muted' }, t('scene.points_empty'))
        : h('ul', { class: 'plain' }, sc.points.map((x) => h('li', null, x.name,
          manage && h('button', { type: 'button', class: 'link no-print', onclick: () => act(() => del(`${base}/scene-points/${x.id}`)) }, ` ${t('scene.delete')}`)))));
    if (manage) {
      add(sec, formCardOf(t('scene.point.add'), 'point-add', form({
        testid: 'point-add-form',
        submitLabel: t('scene.point.add_submit'),
        fields: [{ name: 'name', label: t('scene.point.name'), required: true, maxlength: 60 }],
        action: async (v) => {
          await post(`${sbase}/points`, { name: needText(v, 'name') });
          setTimeout(() => act(async () => {}), 0);
          return t('scene.saved');
        },
      }), false));
    }
    return sec;
  }

  /* ---- scripts ---- */
  function scriptsSection(manage) {
    const groups = new Map();
    for (const s of sc.scripts) {
      const tags = tagsOf(s.tags);
      const key = tags[0] || t('scene.script.untagged');
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(s);
    }
    const sec = h('section', { id: 'scene-scripts', class: 'scene-scripts', dataset: { testid: 'scene-scripts' } },
      h('h2', null, t('scene.scripts')),
      h('p', { class: 'muted' }, t('scene.scripts_intro')));
    if (sc.scripts.length === 0) add(sec, h('p', { class: 'muted' }, t('scene.scripts_empty')));
    for (const [tag, list] of groups) {
      add(sec, h('h3', { class: 'script-group' }, tag),
        list.map((s) => scriptCard(s, manage && formCardOf(t('scene.script.revise'), 'script-revise', scriptForm(s), false))));
    }
    if (manage) add(sec, formCardOf(t('scene.script.add'), 'script-add', scriptForm(null), false));
    return sec;
  }

  function scriptForm(s) {
    return form({
      testid: s ? `script-revise-${s.id}` : 'script-add-form',
      submitLabel: s ? t('scene.script.revise_submit') : t('scene.script.add_submit'),
      fields: [
        { name: 'title', label: t('scene.script.title'), required: true, maxlength: 60, value: s ? s.title : '', reset: !s },
        { name: 'situation', label: t('scene.script.situation'), type: 'textarea', required: true, maxlength: 1000, value: s ? s.situation : '', reset: !s },
        { name: 'say', label: t('scene.script.say'), type: 'textarea', required: true, maxlength: 1000, value: s ? s.say : '', reset: !s },
        { name: 'avoid', label: t('scene.script.avoid'), type: 'textarea', maxlength: 1000, value: s ? s.avoid : '', reset: !s },
        { name: 'tags', label: t('scene.script.tags'), hint: t('scene.script.tags_hint'), maxlength: 100, value: s ? s.tags : '', reset: !s },
      ],
      action: async (v) => {
        const b = { title: needText(v, 'title'), situation: needText(v, 'situation'), say: needText(v, 'say'), avoid: v.avoid.trim(), tags: v.tags.trim() };
        if (s) await put(`${base}/scripts/${s.id}`, b);
        else await post(`${sbase}/scripts`, b);
        setTimeout(() => act(async () => {}), 0);
        return t('scene.saved');
      },
    });
  }

  /* ---- posts ---- */
  function postsSection(manage) {
    const sec = h('section', { id: 'scene-posts', dataset: { testid: 'scene-posts' } }, h('h2', null, t('scene.posts')));
    const now = Date.now() / 1000;
    for (const p of sc.posts) {
      const upcoming = p.shifts.filter((x) => x.ends_at > now).slice(0, 3);
      const items = p.checklist;
      const move = (i, d) => act(() => {
        const ids = items.map((x) => x.id);
        [ids[i], ids[i + d]] = [ids[i + d], ids[i]];
        return put(`${base}/posts/${p.id}/checklist`, { ids });
      });
      add(sec, h('article', { class: 'card post-card', dataset: { testid: 'post-card', post: p.id } },
        h('h3', null, p.name, p.point && h('span', { class: 'muted' }, ` · ${p.point}`)),
        p.skills && h('p', { class: 'muted' }, t('scene.skills', { skills: p.skills })),
        h('ul', { class: 'bands', dataset: { testid: 'post-bands' } }, p.bands.map((b) => h('li', null, bandText(b),
          manage && h('button', { type: 'button', class: 'link no-print', onclick: () => act(() => del(`${base}/post-bands/${b.id}`)) }, t('scene.delete'))))),
        h('h4', null, t('scene.checklist')),
        h('ol', { class: 'checklist', dataset: { testid: 'post-checklist' } }, items.map((c, i) => h('li', null, c.text,
          manage && h('span', { class: 'buttons no-print' },
            i > 0 && h('button', { type: 'button', class: 'link', 'aria-label': t('scene.up'), onclick: () => move(i, -1) }, '↑'),
            i < items.length - 1 && h('button', { type: 'button', class: 'link', 'aria-label': t('scene.down'), onclick: () => move(i, 1) }, '↓'),
            h('button', { type: 'button', class: 'link', onclick: () => act(() => del(`${base}/checklist/${c.id}`)) }, t('scene.delete')))))),
        upcoming.length > 0 && h('p', null, t('scene.next_shifts'), ' ', upcoming.map((x) =>
          h('a', { class: 'badge', href: `#/communities/${cid}/shifts/${x.id}/checklist`, dataset: { testid: 'shift-link' } }, timeOf(x.starts_at)))),
        h('p', { class: 'no-print' }, h('a', { href: `#/communities/${cid}/scenes/${sid}/posts/${p.id}/handbook`, dataset: { testid: 'handbook-link' } }, t('scene.handbook'))),
        manage && formCardOf(t('scene.band.add'), 'band-add', bandForm(p), false),
        manage && formCardOf(t('scene.check.add'), 'check-add', checkForm(p), false),
        manage && h('p', { class: 'no-print' }, h('button', { type: 'button', class: 'secondary', onclick: () => {
          if (window.confirm(t('scene.post.delete_confirm', { name: p.name }))) act(() => del(`${base}/posts/${p.id}`));
        } }, t('scene.post.delete')))));
    }
    if (manage) {
      add(sec, formCardOf(t('scene.post.add'), 'post-add', form({
        testid: 'post-add-form',
        submitLabel: t('scene.post.add_submit'),
        fields: [
          { name: 'name', label: t('scene.post.name'), required: true, maxlength: 60 },
          { name: 'point', label: t('scene.post.point'), type: 'select', options: [['', '—'], ...sc.points.map((x) => [x.name, x.name])] },
          { name: 'skills', label: t('scene.post.skills'), hint: t('scene.post.skills_hint'), maxlength: 200 },
        ],
        action: async (v) => {
          await post(`${sbase}/posts`, { name: needText(v, 'name'), point: v.point, skills: v.skills.trim() });
          setTimeout(() => act(async () => {}), 0);
          return t('scene.saved');
        },
      }), false), formCardOf(t('scene.expand'), 'expand', form({
        testid: 'expand-form',
        submitLabel: t('scene.expand_submit'),
        fields: [
          { name: 'from', label: t('scene.expand_from'), required: true, value: new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10), reset: false },
          { name: 'days', label: t('scene.expand_days'), required: true, value: '7', inputmode: 'numeric', reset: false },
        ],
        action: async (v) => {
          const days = Number(v.days);
          if (!Number.isInteger(days) || days < 1 || days > 62) throw new FieldError('days', t('scene.err.days'));
          const r = await post(`${sbase}/expand`, { from: v.from.trim(), days });
          setTimeout(() => act(async () => {}, t('scene.expanded', { created: r.created, skipped: r.skipped })), 0);
          return t('scene.expanded', { created: r.created, skipped: r.skipped });
        },
      }), false));
    }
    return sec;
  }

  function bandForm(p) {
    return form({
      testid: `band-add-${p.id}`,
      submitLabel: t('scene.band.add_submit'),
      fields: [
        { name: 'weekdays', label: t('scene.band.days'), type: 'select', options: [[127, t('scene.days.every')], [31, t('scene.days.workdays')], [96, t('scene.days.weekend')]] },
        { name: 'start', label: t('scene.band.start'), required: true, value: '07:00', maxlength: 5 },
        { name: 'end', label: t('scene.band.end'), required: true, value: '09:00', maxlength: 5 },
        { name: 'headcount', label: t('scene.band.headcount'), required: true, value: '2', inputmode: 'numeric', maxlength: 2 },
      ],
      action: async (v) => {
        const start = minutesOf(v.start); const end = minutesOf(v.end);
        if (!start) throw new FieldError('start', t('scene.err.time'));
        if (!end) throw new FieldError('end', t('scene.err.time'));
        await post(`${base}/posts/${p.id}/bands`, { weekdays: Number(v.weekdays), start, end, headcount: Number(v.headcount) });
        setTimeout(() => act(async () => {}), 0);
        return t('scene.saved');
      },
    });
  }

  function checkForm(p) {
    return form({
      testid: `check-add-${p.id}`,
      submitLabel: t('scene.check.add_submit'),
      fields: [{ name: 'text', label: t('scene.check.text'), required: true, maxlength: 200 }],
      action: async (v) => {
        await post(`${base}/posts/${p.id}/checklist`, { text: needText(v, 'text') });
        setTimeout(() => act(async () => {}), 0);
        return t('scene.saved');
      },
    });
  }

  /* ---- equipment ---- */
  function equipmentSection(manage) {
    const sec = h('section', { id: 'scene-equipment', dataset: { testid: 'scene-equipment' } }, h('h2', null, t('scene.equipment')),
      sc.equipment.length === 0 ? h('p', { class: 'muted' }, t('scene.equipment_empty'))
        : h('table', { class: 'table' },
          h('thead', null, h('tr', null, h('th', null, t('scene.eq.item')), h('th', null, t('scene.eq.quantity')), h('th', null, t('scene.eq.place')), manage && h('th', { class: 'no-print' }, ''))),
          h('tbody', null, sc.equipment.map((x) => h('tr', null, h('td', null, x.item), h('td', null, formatInt(x.quantity)), h('td', null, x.place),
            manage && h('td', { class: 'no-print' }, h('button', { type: 'button', class: 'link', onclick: () => act(() => del(`${base}/equipment/${x.id}`)) }, t('scene.delete'))))))));
    if (manage) {
      add(sec, formCardOf(t('scene.eq.add'), 'equipment-add', form({
        testid: 'equipment-add-form',
        submitLabel: t('scene.eq.add_submit'),
        fields: [
          { name: 'item', label: t('scene.eq.item'), required: true, maxlength: 60 },
          { name: 'quantity', label: t('scene.eq.quantity'), required: true, value: '1', inputmode: 'numeric', maxlength: 6 },
          { name: 'place', label: t('scene.eq.place'), maxlength: 60 },
        ],
        action: async (v) => {
          const q = Number(v.quantity);
          if (!Number.isInteger(q) || q < 0) throw new FieldError('quantity', t('scene.err.quantity'));
          await post(`${sbase}/equipment`, { item: needText(v, 'item'), quantity: q, place: v.place.trim() });
          setTimeout(() => act(async () => {}), 0);
          return t('scene.saved');
        },
      }), false));
    }
    return sec;
  }

  /* ---- incidents and figures ---- */
  function incidentsSection() {
    const f = inc.figures;
    const sec = h('section', { id: 'scene-incidents', dataset: { testid: 'scene-incidents' } }, h('h2', null, t('scene.incidents')));
    if (inc.can_record) {
      add(sec, formCardOf(t('scene.incident.add'), 'incident-add', form({
        testid: 'incident-form',
        submitLabel: t('scene.incident.add_submit'),
        fields: [
          { name: 'type', label: t('scene.incident.type'), type: 'select', options: INCIDENT_TYPES.map((x) => [x, t(`scene.type.${x}`)]) },
          { name: 'what', label: t('scene.incident.what'), type: 'textarea', required: true, maxlength: 1000 },
          { name: 'script_id', label: t('scene.incident.script'), type: 'select', options: [['', t('scene.incident.no_script')], ...sc.scripts.map((s) => [s.id, s.title])] },
          { name: 'post_id', label: t('scene.incident.post'), type: 'select', options: [['', '—'], ...sc.posts.map((p) => [p.id, p.name])] },
          { name: 'outcome', label: t('scene.incident.outcome'), type: 'select', options: OUTCOMES.map((x) => [x, t(`scene.outcome.${x}`)]) },
          { name: 'followup', label: t('scene.incident.followup'), maxlength: 500 },
          { name: 'due', label: t('scene.incident.due'), hint: t('scene.incident.due_hint'), maxlength: 10 },
        ],
        action: async (v) => {
          const b = { type: v.type, what: needText(v, 'what'), outcome: v.outcome };
          if (v.script_id) b.script_id = Number(v.script_id);
          if (v.post_id) b.post_id = Number(v.post_id);
          if (v.followup.trim()) b.followup = v.followup.trim();
          if (v.due.trim()) b.due = v.due.trim();
          await post(`${sbase}/incidents`, b);
          setTimeout(() => act(async () => {}, t('scene.incident.recorded')), 0);
          return t('scene.incident.recorded');
        },
      }), false));
    }
    add(sec, h('h3', null, t('scene.figures')),
      h('dl', { class: 'counts', dataset: { testid: 'incident-figures' } },
        h('div', { class: 'count' }, h('dt', null, t('scene.figures.total')), h('dd', { dataset: { testid: 'figures-total' } }, formatInt(f.total))),
        OUTCOMES.map((o) => h('div', { class: 'count' }, h('dt', null, t(`scene.outcome.${o}`)), h('dd', null, formatInt(f.by_outcome[o] || 0)))),
        h('div', { class: 'count' }, h('dt', null, t('scene.figures.open_followups')), h('dd', null, formatInt(f.open_followups)))),
      h('table', { class: 'table' }, h('caption', null, t('scene.figures.by_type')),
        h('tbody', null, INCIDENT_TYPES.filter((x) => f.by_type[x]).map((x) => h('tr', null, h('th', null, t(`scene.type.${x}`)), h('td', null, formatInt(f.by_type[x])))))),
      f.by_month.length > 0 && h('table', { class: 'table' }, h('caption', null, t('scene.figures.by_month')),
        h('tbody', null, f.by_month.map((m) => h('tr', null, h('th', null, m.month), h('td', null, formatInt(m.n)))))),
      h('h3', null, t('scene.incident.log')),
      inc.incidents.length === 0 ? h('p', { class: 'muted' }, t('scene.incident.empty'))
        : h('ul', { class: 'incident-log', dataset: { testid: 'incident-log' } }, inc.incidents.map((x) => incidentItem(x))));
    return sec;
  }

  function incidentItem(x) {
    const done = x.followup_done;
    return h('li', { class: 'card incident', dataset: { testid: 'incident', outcome: x.outcome } },
      h('p', null, h('strong', null, t(`scene.type.${x.type}`)), ' · ', h('span', { class: `badge badge-outcome-${x.outcome}` }, t(`scene.outcome.${x.outcome}`)),
        h('span', { class: 'muted' }, ` · ${timeOf(x.occurred_at)}${x.post_name ? ` · ${x.post_name}` : ''}${x.recorded_by ? ` · ${x.recorded_by}` : ''}`)),
      h('p', null, x.what),
      x.script_id > 0 && h('p', { class: 'muted', dataset: { testid: 'incident-script' } }, t('scene.incident.used', { title: x.script_title, n: x.script_revision })),
      x.followup && h('p', null, t('scene.incident.followup_line', { text: x.followup, due: x.followup_due || '—' }), ' ',
        h('span', { class: 'badge' }, done ? t('scene.incident.done') : t('scene.incident.open'))),
      h('p', { class: 'buttons no-print' },
        inc.can_record && x.followup && !done && h('button', { type: 'button', class: 'link', onclick: () => act(() => put(`${base}/incidents/${x.id}`, { done: true })) }, t('scene.incident.mark_done')),
        inc.can_record && x.outcome !== 'resolved' && h('button', { type: 'button', class: 'link', onclick: () => act(() => put(`${base}/incidents/${x.id}`, { outcome: 'resolved' })) }, t('scene.incident.mark_resolved')),
        inc.can_delete && h('button', { type: 'button', class: 'link', onclick: () => {
          const reason = window.prompt(t('scene.incident.delete_reason'));
          if (reason !== null) act(() => request('DELETE', `${base}/incidents/${x.id}`, { reason: reason.trim() }));
        } }, t('scene.delete'))));
  }

  /* ---- script review ---- */
  function reviewSection() {
    return h('section', { id: 'scene-review', dataset: { testid: 'script-review' } },
      h('h2', null, t('scene.review')),
      h('p', { class: 'muted' }, t('scene.review_intro')),
      h('table', { class: 'table review-table' },
        h('thead', null, h('tr', null, ['title', 'used', 'resolved', 'failed', 'notes'].map((k) => h('th', null, t(`scene.review.${k}`))))),
        h('tbody', null, review.scripts.map((s) => h('tr', { dataset: { testid: 'review-row', script: s.id } },
          h('td', null, h('a', { href: `#/communities/${cid}/scenes/${sid}`, onclick: (ev) => {
            ev.preventDefault();
            const el = document.getElementById(`script-${s.id}`);
            if (el) el.scrollIntoView();
          } }, s.title), s.revision > 1 && h('span', { class: 'muted' }, ` (${t('scene.script.rev', { n: s.revision })})`)),
          h('td', { dataset: { testid: 'review-used' } }, formatInt(s.used)),
          h('td', null, formatInt(s.resolved)),
          h('td', { class: s.used && s.failed_pct >= 50 ? 'warn' : '' }, s.used ? t('scene.review.failed_line', { n: formatInt(s.escalated + s.unresolved), pct: s.failed_pct }) : '—'),
          h('td', null, s.notes.map((n) => h('p', { class: 'muted' }, `${t(`scene.outcome.${n.outcome}`)}：${n.what}`))))))));
  }

  await load();
  draw();
  return h('section', { class: 'scene-page', dataset: { testid: 'scene-page' } },
    crumb(`#/communities/${cid}/scenes`, t('scene.back'), 'scene-back'), status, body);
}

/* ---- the post handbook (岗位手册), printable on A4 ---- */

export async function handbookView(ctx) {
  const [cid, sid, pid] = ctx.params;
  const sc = await get(`/api/communities/${cid}/scenes/${sid}`);
  const p = sc.posts.find((x) => String(x.id) === String(pid));
  if (!p) return h('p', { class: 'error', role: 'alert' }, t('scene.no_post'));
  return h('section', { class: 'handbook', dataset: { testid: 'handbook' } },
    crumb(`#/communities/${cid}/scenes/${sid}`, t('scene.back_scene'), 'handbook-back'),
    h('p', { class: 'print-only notice-kind' }, t('scene.handbook')),
    h('h1', null, `${sc.name} · ${p.name}`),
    h('p', { class: 'muted' }, [sc.location, p.point].filter(Boolean).join(' · ')),
    h('p', { class: 'no-print' }, h('button', { type: 'button', class: 'secondary', dataset: { testid: 'handbook-print' }, onclick: () => window.print() }, t('scene.print'))),
    h('h2', null, t('scene.bands')),
    h('ul', null, p.bands.map((b) => h('li', null, bandText(b)))),
    p.skills && h('p', null, t('scene.skills', { skills: p.skills })),
    h('h2', null, t('scene.checklist')),
    h('ol', { class: 'checklist handbook-checklist' }, p.checklist.map((c) => h('li', null, '☐ ', c.text))),
    h('h2', null, t('scene.equipment')),
    h('table', { class: 'table' }, h('tbody', null, sc.equipment.map((x) => h('tr', null, h('td', null, x.item), h('td', null, formatInt(x.quantity)), h('td', null, x.place))))),
    h('h2', null, t('scene.scripts')),
    sc.scripts.map((s) => scriptCard(s)));
}

/* ---- the checklist of one shift ---- */

export async function shiftChecklistView(ctx) {
  const [cid, fid] = ctx.params;
  const path = `/api/communities/${cid}/shifts/${fid}/checklist`;
  const status = h('p', { class: 'ok', role: 'status', dataset: { testid: 'shift-status' } });
  const list = h('ul', { class: 'shift-checklist', dataset: { testid: 'shift-checklist' } });
  let data = await get(path);
  function draw() {
    list.replaceChildren(...data.items.map((it) => {
      const id = `check-${it.id}`;
      const box = h('input', { type: 'checkbox', id, disabled: !data.can_tick, dataset: { testid: 'shift-check' } });
      box.checked = it.ticked;
      box.addEventListener('change', async () => {
        try {
          await request(box.checked ? 'PUT' : 'DELETE', `${path}/${it.id}`);
          data = await get(path);
          draw();
          status.textContent = t('scene.saved');
        } catch (e) {
          status.textContent = errorText(e);
        }
      });
      return h('li', null, box, h('label', { for: id }, it.text),
        it.ticked && h('span', { class: 'muted' }, ` · ${it.ticked_by} ${timeOf(it.ticked_at)}`));
    }));
  }
  draw();
  const s = data.shift;
  return h('section', { class: 'shift-page', dataset: { testid: 'shift-page' } },
    crumb(`#/communities/${cid}/scenes/${s.scene_id}`, s.scene_name, 'shift-back'),
    h('h1', null, `${s.post_name} · ${timeOf(s.starts_at)}`),
    h('p', { class: 'muted' }, t('scene.shift.meta', { end: timeOf(s.ends_at), n: s.headcount })),
    h('h2', null, t('scene.checklist')), list, status);
}
